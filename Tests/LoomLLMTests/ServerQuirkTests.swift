import LoomLLM
import LoomMockModel
import Testing

/// Answers real servers give that are not plain OpenAI: each body here is written as the server named sends it.
@Suite struct ServerQuirkTests {
    let question = ChatRequest(model: "mock-model", messages: [.system("s"), .user("What is 2+2?")], temperature: 0)

    private static func stream(_ body: String) -> MockResponse {
        .raw(status: 200, headers: [("Content-Type", "text/event-stream")], body: body)
    }

    private static func json(_ status: Int, _ body: String) -> MockResponse {
        .raw(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    /// Answers `first`, then a completion "4": the client must retry once and return that completion.
    private func expectRetriedOnce(after first: MockResponse, streaming: Bool = false) async throws {
        try await withMockEndpoint({ request in
            request.index == 0 ? first : .completion(text: "4")
        }, configure: { $0.stream = streaming }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "4")
            #expect(server.requestCount == 2)
        }
    }

    @Test("an `error:` line (llama.cpp's server before September 2025) keeps the server's message, not an empty reply")
    func llamaCppStreamErrorField() async throws {
        let overflow = #"error: {"code":400,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"invalid_request_error"}"#
            + "\n\ndata: [DONE]\n\n"
        try await withMockEndpoint({ _ in Self.stream(overflow) }, configure: { $0.stream = true }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .invalidResponse)
            #expect(error?.message.contains("exceeds the available context size") == true)
            #expect(server.requestCount == 1)
        }
        // The same field with a server error is retried like a 500.
        let crashed = #"error: {"code":500,"message":"slot crashed","type":"server_error"}"# + "\n\ndata: [DONE]\n\n"
        try await expectRetriedOnce(after: Self.stream(crashed), streaming: true)
    }

    @Test("an `event: error` whose data reports a 5xx is retried")
    func errorEventsWithAServerErrorAreRetried() async throws {
        let event = "event: error\ndata: {\"error\":{\"code\":503,\"message\":\"upstream unavailable\"}}\n\n"
        try await expectRetriedOnce(after: Self.stream(event), streaming: true)
    }

    @Test("a completion a proxy labels text/html is read as one")
    func aCompletionLabelledAsHTML() async throws {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"4"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#
        try await withMockEndpoint({ _ in .raw(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: body) }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "4")
        }
    }

    @Test func aStreamOfDoneAloneIsNotAnEmptyReply() async throws {
        try await withMockEndpoint({ _ in Self.stream("data: [DONE]\n\n") }, configure: { $0.stream = true }) { _, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .invalidResponse)
            #expect(error?.message.contains("carried no completion") == true)
        }
    }

    @Test("OpenRouter's `finish_reason: error` with the text so far is retried, streamed or not, and the fragment dropped")
    func openRouterErrorsBesideChoicesAreRetried() async throws {
        let streamed = #"data: {"choices":[{"index":0,"delta":{"content":"{\"caption\": \"A red"}}]}"# + "\n\n"
            + #"data: {"error":{"code":502,"message":"Provider returned error"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#
            + "\n\ndata: [DONE]\n\n"
        try await expectRetriedOnce(after: Self.stream(streamed), streaming: true)
        // Without an `error` member the finish reason alone says the same.
        let plain = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"caption\": \"A"},"finish_reason":"error"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#
        try await expectRetriedOnce(after: Self.json(200, plain))
        // `"error": null` beside a good reply is no error.
        let good = #"{"error":null,"choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}]}"#
        try await withMockEndpoint({ _ in Self.json(200, good) }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "fine")
        }
    }

    @Test("a refusal OpenAI streams in `delta.refusal` reaches the reply as a refusal")
    func streamedRefusals() async throws {
        let refusal = #"data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""}}]}"# + "\n\n"
            + #"data: {"choices":[{"index":0,"delta":{"refusal":"I'm sorry, I can't "}}]}"# + "\n\n"
            + #"data: {"choices":[{"index":0,"delta":{"refusal":"help with that."}}]}"# + "\n\n"
            + #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        try await withMockEndpoint({ _ in Self.stream(refusal) }, configure: { $0.stream = true }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text.isEmpty)
            #expect(reply.refusal == "I'm sorry, I can't help with that.")
        }
    }

    @Test("llama.cpp's server without --mmproj: no retries, and every later request stops with the advice")
    func imagesRefusedByAServerWithoutAProjector() async throws {
        let body = #"{"error":{"code":500,"message":"image input is not supported - hint: if this is unexpected, you may need to provide the mmproj","type":"server_error"}}"#
        try await withMockEndpoint({ _ in Self.json(500, body) }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .imagesUnsupported && error?.stopsRun == true)
            #expect(error?.message.contains("mmproj") == true)
            #expect(server.requestCount == 1)
            #expect(await modelError { _ = try await client.complete(question) }?.kind == .imagesUnsupported)
            #expect(server.requestCount == 1)
        }
    }

    @Test("a 403 that flags one input (OpenRouter's moderation) declines that item and leaves the endpoint open")
    func aFlaggedInputDeclinesOneItem() async throws {
        let flagged = #"{"error":{"code":403,"message":"openai/gpt-4o requires moderation on OpenAI. Your input was flagged for \"violence\".","metadata":{"reasons":["violence"],"flagged_input":"…","provider_name":"OpenAI","model_slug":"openai/gpt-4o"}}}"#
        try await withMockEndpoint({ request in
            request.index == 0 ? Self.json(403, flagged) : .completion(text: "4")
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .declined && error?.stopsRun == false)
            #expect(error?.message.contains("flagged") == true)
            let reply = try await client.complete(question)
            #expect(reply.text == "4")
            #expect(server.requestCount == 2)
        }
        // A 403 that says nothing of the input still means the key may not use the model.
        try await withMockEndpoint({ _ in .error(status: 403, message: "Project does not have access to model gpt-5") }) { _, client in
            #expect(await modelError { _ = try await client.complete(question) }?.kind == .forbidden)
        }
    }

    @Test("vLLM's context overflow names max_completion_tokens too, but is no refusal of the field's name")
    func aTooLargeLimitKeepsTheFieldsName() async throws {
        let request = ChatRequest(model: "mock-model", messages: [.user("q")], maxTokens: 8000)
        let overflow = "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is 4096 tokens and your request has 812 input tokens (8000 > 4096 - 812)."
        try await withMockEndpoint({ _ in .error(status: 400, message: overflow, type: "BadRequestError") }) { server, client in
            let error = await modelError { _ = try await client.complete(request) }
            #expect(error?.kind == .badRequest && error?.message.contains("too large") == true)
            #expect(client.requestParameters == RequestParameters())
            #expect(server.requestCount == 1)
        }
    }

    @Test("a port nobody listens on is named as such, not by the networking library's error type")
    func aRefusedConnectionInWords() async throws {
        let server = try await MockModelServer.start { _ in .completion(text: "4") }
        let baseURL = server.baseURL
        try await server.shutdown()
        let client = OpenAIClient(configuration: EndpointConfiguration(name: "gone", baseURL: baseURL, model: "m", maxRetries: 0))
        let check = await client.checkEndpoint(timeout: 2)
        try await client.shutdown()
        guard case .unreachable(let reason) = check else {
            Issue.record("a closed port answered: \(check)")
            return
        }
        #expect(reason.contains("nothing is listening there (connection refused)"))
    }
}
