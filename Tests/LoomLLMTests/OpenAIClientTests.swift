import Foundation
import LoomCore
import LoomLLM
import LoomMockModel
import Synchronization
import Testing

/// Starts a mock server and a client of it, runs `body`, and shuts both down.
func withMockEndpoint<T>(
    _ responder: @escaping @Sendable (MockRequest) async -> MockResponse,
    configure: (inout EndpointConfiguration) -> Void = { _ in },
    retryObserver: (@Sendable (RetryNotice) -> Void)? = nil, maySend: (@Sendable () -> Bool)? = nil,
    _ body: (MockModelServer, OpenAIClient) async throws -> T
) async throws -> T {
    let server = try await MockModelServer.start(responder: responder)
    // A generous timeout: with the whole suite running on 2 cores a reply can take seconds, and a timed-out
    // request is retried, which would change the request counts the tests check.
    var configuration = EndpointConfiguration(
        name: "mock", baseURL: server.baseURL, model: "mock-model", apiKey: "sk-test", concurrency: 4, timeout: 120,
        maxRetries: 3, initialBackoff: 0.01, maxBackoff: 0.02)
    configure(&configuration)
    let client = OpenAIClient(configuration: configuration, retryObserver: retryObserver, maySend: maySend)
    do {
        let result = try await body(server, client)
        try await client.shutdown()
        try await server.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        try? await server.shutdown()
        throw error
    }
}

/// The `ModelError` an operation throws, or nil.
func modelError(_ operation: () async throws -> Void) async -> ModelError? {
    do {
        try await operation()
        return nil
    } catch let error as ModelError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite struct OpenAIClientTests {
    let question = ChatRequest(model: "mock-model", messages: [.system("s"), .user("What is 2+2?")], temperature: 0)

    @Test func aCompletionWithUsage() async throws {
        let seen = Locked<[MockRequest]>([])
        try await withMockEndpoint({ request in
            seen.withLock { $0.append(request) }
            return .completion(text: "4", usage: MockUsage(prompt: 20, completion: 1))
        }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "4")
            #expect(reply.usage == TokenUsage(prompt: 20, completion: 1))
            #expect(reply.finishReason == "stop")
            #expect(reply.model == "mock-model")
            #expect(!reply.cached)
            #expect(server.requestCount == 1)
            let request = try #require(seen.withLock { $0.first })
            #expect(request.method == "POST")
            #expect(request.path == "/v1/chat/completions")
            #expect(request.header("authorization") == "Bearer sk-test")
            #expect(request.header("content-type") == "application/json")
            #expect(request.messageTexts == "s\nWhat is 2+2?")
            #expect(!request.wantsStream)
            #expect(client.statistics.requestsSent == 1)
            #expect(client.statistics.retries == 0)
        }
    }

    @Test func aStreamedCompletionIsAssembled() async throws {
        let seen = Locked<[MockRequest]>([])
        try await withMockEndpoint({ request in
            seen.withLock { $0.append(request) }
            return .completion(text: "The answer is four, said the model.", usage: MockUsage(prompt: 9, completion: 8))
        }, configure: { $0.stream = true }) { server, client in
            let reply = try await client.complete(question)
            let request = try #require(seen.withLock { $0.first })
            #expect(request.wantsStream)
            #expect(request.field("stream_options") == .object(["include_usage": .bool(true)]))
            #expect(request.header("accept") == "text/event-stream")
            #expect(reply.text == "The answer is four, said the model.")
            #expect(reply.usage == TokenUsage(prompt: 9, completion: 8))
            #expect(reply.finishReason == "stop")
            #expect(server.requestCount == 1)
        }
    }

    @Test func a429WithRetryAfterIsRetried() async throws {
        try await withMockEndpoint({ request in
            switch request.index {
            case 0: return .error(status: 429, message: "slow down", type: "rate_limit_error", headers: [("Retry-After", "0")])
            case 1: return .error(status: 429, message: "slow down", headers: [("retry-after-ms", "5")])
            default: return .completion(text: "ok")
            }
        }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "ok")
            #expect(server.requestCount == 3)
            let statistics = client.statistics
            #expect(statistics.rateLimited == 2)
            #expect(statistics.retries == 2)
            #expect(statistics.requestsSent == 3)
            #expect(statistics.inFlight == 0)
        }
    }

    @Test func serverErrorsThenSuccess() async throws {
        try await withMockEndpoint({ request in
            request.index < 2 ? .status(500, body: "upstream exploded") : .completion(text: "fine")
        }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "fine")
            #expect(server.requestCount == 3)
        }
    }

    @Test func serverErrorsForeverEndAfterMaxRetries() async throws {
        try await withMockEndpoint({ _ in .status(503, body: #"{"error":{"message":"overloaded"}}"#) }, configure: {
            $0.maxRetries = 2
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .server)
            #expect(error?.status == 503)
            #expect(error?.message.contains("overloaded") == true)
            #expect(server.requestCount == 3)
        }
    }

    @Test("each retry is told before its wait, with the failed attempt's reason; the last failure is not")
    func retriesAreTold() async throws {
        let notices = Mutex<[RetryNotice]>([])
        try await withMockEndpoint({ request in
            request.index == 0 ? .status(503, body: #"{"error":{"message":"loading model"}}"#) : .status(500, body: "upstream exploded")
        }, configure: { $0.maxRetries = 2 }, retryObserver: { notice in notices.withLock { $0.append(notice) } }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.status == 500)
            #expect(server.requestCount == 3)
        }
        let told = notices.withLock { $0 }
        #expect(told.map(\.retry) == [1, 2])
        #expect(told.allSatisfy { $0.maxRetries == 2 && $0.endpoint == "mock" && $0.delay >= 0 && $0.delay <= 0.02 })
        #expect(told[0].reason.contains("HTTP 503") && told[0].reason.contains("loading model"))
        #expect(told[1].reason.contains("HTTP 500"))
    }

    @Test("once retries may no longer be sent (the run was asked to stop), a failed call ends with its error and sends nothing more")
    func noRetryAfterAStop() async throws {
        let stopped = Mutex(false)
        try await withMockEndpoint({ _ in
            stopped.withLock { $0 = true }
            return .status(503, body: #"{"error":{"message":"loading model"}}"#)
        }, configure: { $0.maxRetries = 5 }, maySend: { !stopped.withLock { $0 } }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .stopped && error?.status == 503)
            #expect(error?.message.contains("loading model") == true)
            #expect(server.requestCount == 1)
        }
    }

    @Test("a call still waiting for a slot when the run is asked to stop is not sent; the one in flight is received")
    func aCallWaitingForASlotIsNotSentAfterAStop() async throws {
        let stopped = Mutex(false)
        let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
        let (gate, opener) = AsyncStream<Void>.makeStream()
        try await withMockEndpoint({ _ in
            enteredSignal.yield()
            for await _ in gate { break }
            return .completion(text: "first")
        }, configure: { $0.concurrency = 1; $0.maxConcurrency = 1 }, maySend: { !stopped.withLock { $0 } }) { server, client in
            let first = Task { try await client.complete(question) }
            for await _ in entered { break }
            let second = Task { () -> ModelError? in await modelError { _ = try await client.complete(question) } }
            // The second waits for the only slot (polled, not slept for) while the stop is asked for.
            for _ in 0..<1_000_000 where client.statistics.waiting < 1 { await Task.yield() }
            try #require(client.statistics.waiting == 1)
            stopped.withLock { $0 = true }
            opener.yield()
            let reply = try await first.value
            #expect(reply.text == "first")
            let refused = await second.value
            #expect(refused?.kind == .stopped)
            #expect(server.requestCount == 1)
        }
    }

    @Test func xShouldRetryFalseStopsAtOnce() async throws {
        try await withMockEndpoint({ _ in .status(500, body: "no", headers: [("x-should-retry", "false")]) }) {
            server, client in
            #expect(await modelError { _ = try await client.complete(question) }?.kind == .server)
            #expect(server.requestCount == 1)
        }
    }

    @Test func aHungBodyHitsTheDeadlineAndATimeoutIsRetriedOnce() async throws {
        try await withMockEndpoint({ _ in .hangBody }, configure: {
            $0.timeout = 1.5  // long enough that a busy test machine still gets the retry to the server
            $0.maxRetries = 4
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .timeout)
            #expect(error?.message.contains("a larger `timeout`") == true)
            // One retry, not four: a reply that outlasts the deadline would outlast it again.
            #expect(server.requestCount == 2)
        }
    }

    @Test func aStreamThatKeepsSendingIsNotCutAtTheTimeout() async throws {
        // Each write comes 0.2 s after the one before (two writes to an event, a dozen events), so the stream lasts
        // about 5 s in all, longer than the 3 s timeout: the deadline restarts with every chunk. The gap between
        // writes is far below the timeout so that a loaded machine, late to read a chunk, does not cut it either.
        try await withMockEndpoint({ _ in .slowStream(text: "one two three four five six seven eight", interval: 0.2) }, configure: {
            $0.stream = true
            $0.timeout = 3
            $0.maxRetries = 0
        }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "one two three four five six seven eight")
            #expect(server.requestCount == 1)
        }
    }

    @Test func aTruncatedStreamIsRetriedAsAWholeRequest() async throws {
        try await withMockEndpoint({ request in
            request.index == 0 ? .truncatedStream(text: "half an ans") : .completion(text: "a whole answer")
        }, configure: { $0.stream = true }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "a whole answer")
            #expect(server.requestCount == 2)
            #expect(client.statistics.retries == 1)
        }
    }

    @Test func aDroppedConnectionIsRetried() async throws {
        try await withMockEndpoint({ request in
            request.index == 0 ? .closeConnection : .delayed(seconds: 0.01, .completion(text: "later"))
        }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "later")
            #expect(server.requestCount == 2)
        }
    }

    @Test func unauthorizedStopsTheRunAfterOneRequest() async throws {
        try await withMockEndpoint({ _ in
            .error(status: 401, message: "Incorrect API key provided: sk-test.", type: "invalid_request_error", code: "invalid_api_key")
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .unauthorized)
            #expect(error?.stopsRun == true)
            #expect(error?.message.contains("Incorrect API key") == true)
            #expect(server.requestCount == 1)
        }
    }

    @Test("a 404 from a base_url without /v1 suggests adding it, and the kind reads as words")
    func notFoundWithoutV1() async throws {
        try await withMockEndpoint({ _ in .error(status: 404, message: "404 page not found") }, configure: {
            $0.baseURL = String($0.baseURL.dropLast("/v1".count))
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .modelNotFound)
            #expect(error?.description.contains("model not found (HTTP 404)") == true)
            #expect(error?.message.contains("try base_url \(server.baseURL)") == true)
        }
    }

    @Test func missingModels() async throws {
        try await withMockEndpoint({ _ in
            .error(status: 404, message: "The model `mock-model` does not exist", code: "model_not_found")
        }) { server, client in
            let notFound = await modelError { _ = try await client.complete(question) }
            #expect(notFound?.kind == .modelNotFound)
            #expect(notFound?.stopsRun == true)
            // The endpoint is known to be unusable: later requests fail the same way without being sent.
            let again = await modelError { _ = try await client.complete(question) }
            #expect(again == notFound)
            #expect(server.requestCount == 1)
        }
        // Ollama says it with a 400 that names the model.
        try await withMockEndpoint({ _ in
            .error(status: 400, message: "model 'mock-model' not found, try pulling it first")
        }) { _, client in
            let named = await modelError { _ = try await client.complete(question) }
            #expect(named?.kind == .modelNotFound)
            #expect(named?.status == 400)
        }
    }

    @Test func otherBadRequestsKeepTheServersMessage() async throws {
        let long = String(repeating: "word ", count: 200)
        try await withMockEndpoint({ _ in .error(status: 422, message: "max_tokens is too large. " + long) }) {
            server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .badRequest)
            #expect(error?.status == 422)
            #expect(error?.message.hasPrefix("max_tokens is too large") == true)
            #expect((error?.message.count ?? 0) <= 301)
            #expect(server.requestCount == 1)
        }
    }

    @Test func htmlWithStatus200IsAnInvalidResponse() async throws {
        try await withMockEndpoint({ _ in
            .raw(status: 200, headers: [("Content-Type", "text/html")], body: "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>")
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .invalidResponse)
            #expect(error?.message.contains("web page") == true && error?.message.contains("Welcome to nginx") == true)
            #expect(server.requestCount == 1)
        }
    }

    @Test("a server error inside a stream, or in a 200 body, is retried like a 500; a request error there is not")
    func serverErrorsInsideABodyAreRetried() async throws {
        let streamed = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n"
            + "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n"
        try await withMockEndpoint({ request in
            switch request.index {
            case 0: .raw(status: 200, headers: [("Content-Type", "text/event-stream")], body: streamed)
            case 1: .raw(status: 200, headers: [("Content-Type", "application/json")], body: #"{"error":{"message":"overloaded","code":503}}"#)
            default: .completion(text: "whole")
            }
        }, configure: { $0.stream = true }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "whole")
            #expect(server.requestCount == 3)
        }
        try await withMockEndpoint({ _ in
            .raw(status: 200, headers: [("Content-Type", "application/json")], body: #"{"error":{"message":"bad field","type":"invalid_request_error"}}"#)
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .invalidResponse && error?.message.contains("bad field") == true)
            #expect(server.requestCount == 1)
        }
    }

    @Test("a stream the server sends unasked is read as one; a body with a byte-order mark is read as JSON")
    func unaskedStreamsAndByteOrderMarks() async throws {
        let streamed = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"streamed\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
        try await withMockEndpoint({ _ in .raw(status: 200, headers: [("Content-Type", "text/event-stream")], body: streamed) }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "streamed")
        }
        let body = "\u{FEFF}" + #"{"choices":[{"index":0,"message":{"role":"assistant","content":"bom"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}"#
        try await withMockEndpoint({ _ in .raw(status: 200, headers: [("Content-Type", "application/json")], body: body) }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "bom" && reply.usage == TokenUsage(prompt: 3, completion: 1) && reply.usageEstimated == nil)
        }
    }

    @Test("a gzip-compressed body or stream that a proxy sends although asked for none is read")
    func compressedBodiesAreRead() async throws {
        // gzip of a chat.completion whose answer is "inflated", and of a stream whose text is "streamed".
        let body = [UInt8](Data(base64Encoded: "H4sIAAAAAAACAz2NwQrDMAxD/0XnHDZ2y6+MUULqrmaJHWIPBiX/vvSwnSQk9HQg78qZDPF+gGWlD+IloJJZehLiga5lKpIZmydxBGQVp+niXGwlOa0YARsL2750SqYyO3NtGI+A9w/Vutbmi+uLZD7eTlJthZxV/ul1jC9z1VmhlgAAAA==")!)
        let stream = [UInt8](Data(base64Encoded: "H4sIAAAAAAACAx3MMQqAMAxG4b2nkH92cM6sqx5AREoTsaCp2AxC6d0V1/fBY2+emoKwpxgkg+aCqCwPqGvBcpgHfZzURA2EbLf4Uxi1xRY15n39Qk76W7pQl+oc/9u5n8Zhce4F2gNPNmUAAAA=")!)
        let acceptEncoding = Locked<[String]>([])
        try await withMockEndpoint({ request in
            acceptEncoding.withLock { $0.append(request.headers.first { $0.0.lowercased() == "accept-encoding" }?.1 ?? "") }
            return .rawBytes(status: 200, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: body)
        }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "inflated" && reply.usage == TokenUsage(prompt: 3, completion: 1))
        }
        // Loom asks for none, so a server that honours the header never spends time compressing.
        #expect(acceptEncoding.withLock { $0 } == ["identity"])
        try await withMockEndpoint({ _ in
            .rawBytes(status: 200, headers: [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")], body: stream)
        }, configure: { $0.stream = true }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "streamed")
        }
    }

    @Test("a reply without usage gets estimated tokens, marked as estimated, instead of zero")
    func missingUsageIsEstimated() async throws {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"four, the answer is four"},"finish_reason":"stop"}]}"#
        try await withMockEndpoint({ _ in .raw(status: 200, headers: [("Content-Type", "application/json")], body: body) }) { _, client in
            let reply = try await client.complete(question)
            #expect(reply.usageEstimated == true)
            #expect(reply.usage.prompt == RateLimiter.estimatedTokens(for: question))
            #expect(reply.usage.completion == "four, the answer is four".utf8.count / 4)
        }
    }

    @Test func structuredOutputStepsDownAndRemembers() async throws {
        let formats = Locked<[String]>([])
        let schema = ResponseSchema(name: "answer", json: #"{"type":"object","properties":{"answer":{"type":"string"}}}"#)
        let request = ChatRequest(model: "mock-model", messages: [.user("q")], schema: schema)
        try await withMockEndpoint({ request in
            let format = request.responseFormatType ?? "none"
            formats.withLock { $0.append(format) }
            if format == "json_schema" {
                return .error(status: 400, message: "response_format json_schema is not supported by this server")
            }
            return .completion(text: #"{"answer":"4"}"#)
        }) { server, client in
            #expect(client.structuredOutputMode == .jsonSchema)
            #expect(try await client.complete(request).text == #"{"answer":"4"}"#)
            #expect(formats.withLock { $0 } == ["json_schema", "json_object"])
            #expect(client.structuredOutputMode == .jsonObject)
            #expect(client.statistics.retries == 0)
            _ = try await client.complete(request)
            _ = try await client.complete(request)
            #expect(formats.withLock { $0 } == ["json_schema", "json_object", "json_object", "json_object"])
            // A request without a schema carries no hint at all.
            _ = try await client.complete(question)
            #expect(formats.withLock { $0 }.last == "none")
            #expect(server.requestCount == 5)
        }
    }

    @Test func structuredOutputStepsDownToNoHint() async throws {
        let schema = ResponseSchema(name: "answer", json: #"{"type":"object"}"#)
        let request = ChatRequest(model: "mock-model", messages: [.user("q")], schema: schema)
        try await withMockEndpoint({ request in
            request.hasResponseFormat
                ? .error(status: 422, message: "Unsupported parameter: 'response_format'")
                : .completion(text: "{}")
        }) { server, client in
            let reply = try await client.complete(request)
            #expect(reply.text == "{}")
            #expect(client.structuredOutputMode == StructuredOutputMode.none)
            #expect(server.requestCount == 3)
        }
    }

    /// OpenAI's reasoning models refuse `max_tokens` and any temperature but the default, with these bodies.
    @Test func aReasoningModelsRefusedFieldsAreChangedOnceForTheEndpoint() async throws {
        let schema = ResponseSchema(name: "answer", json: #"{"type":"object","properties":{"answer":{"type":"string"}}}"#)
        let request = ChatRequest(model: "mock-model", messages: [.user("q")], temperature: 0.2, maxTokens: 300, schema: schema)
        let seen = Locked<[MockRequest]>([])
        let maxTokensRefusal = #"{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}"#
        let temperatureRefusal = #"{"error":{"message":"Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}}"#
        try await withMockEndpoint({ request in
            seen.withLock { $0.append(request) }
            if request.field("max_tokens") != nil {
                return .raw(status: 400, headers: [("content-type", "application/json")], body: maxTokensRefusal)
            }
            if request.field("temperature") != nil {
                return .raw(status: 400, headers: [("content-type", "application/json")], body: temperatureRefusal)
            }
            return .completion(text: #"{"answer":"4"}"#)
        }) { server, client in
            #expect(try await client.complete(request).text == #"{"answer":"4"}"#)
            #expect(client.requestParameters == RequestParameters(usesMaxCompletionTokens: true, omitsSampling: true))
            // The refusals were about those fields, not the schema: structured output is kept.
            #expect(client.structuredOutputMode == .jsonSchema)
            #expect(client.statistics.retries == 0)
            let last = try #require(seen.withLock { $0.last })
            #expect(last.field("max_completion_tokens") == .integer(300))
            #expect(last.field("temperature") == nil && last.responseFormatType == "json_schema")
            // Later requests go out in the accepted form at once.
            _ = try await client.complete(request)
            #expect(server.requestCount == 4)
        }
    }

    @Test func anExhaustedQuotaStopsAtOnceInsteadOfRetrying() async throws {
        let body = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#
        try await withMockEndpoint({ _ in
            .raw(status: 429, headers: [("content-type", "application/json")], body: body)
        }) { server, client in
            let error = await modelError { _ = try await client.complete(question) }
            #expect(error?.kind == .quotaExceeded && error?.stopsRun == true)
            #expect(error?.message.contains("exceeded your current quota") == true)
            #expect(server.requestCount == 1)
            // Requests after it fail the same way without being sent.
            #expect(await modelError { _ = try await client.complete(question) }?.kind == .quotaExceeded)
            #expect(server.requestCount == 1)
        }
        // A 402 (OpenRouter, DeepSeek: no credit) is the same.
        try await withMockEndpoint({ _ in .error(status: 402, message: "Insufficient Balance") }) { server, client in
            #expect(await modelError { _ = try await client.complete(question) }?.kind == .quotaExceeded)
            #expect(server.requestCount == 1)
        }
        // A plain 429 is still a rate limit that passes.
        let calls = Locked(0)
        try await withMockEndpoint({ (_: MockRequest) -> MockResponse in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            return call == 1 ? .error(status: 429, message: "Rate limit reached for requests per minute") : .completion(text: "4")
        }) { server, client in
            let reply = try await client.complete(question)
            #expect(reply.text == "4")
            #expect(server.requestCount == 2)
        }
    }

    @Test func aRefusedImageDoesNotLowerStructuredOutput() async throws {
        let schema = ResponseSchema(name: "answer", json: #"{"type":"object"}"#)
        let request = ChatRequest(model: "mock-model", messages: [.user("q")], schema: schema)
        let body = #"{"error":{"message":"You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].","type":"invalid_request_error","param":null,"code":"invalid_image_format"}}"#
        try await withMockEndpoint({ _ in
            .raw(status: 400, headers: [("content-type", "application/json")], body: body)
        }) { server, client in
            let error = await modelError { _ = try await client.complete(request) }
            #expect(error?.kind == .badRequest)
            #expect(error?.message.contains("unsupported image") == true)
            #expect(client.structuredOutputMode == .jsonSchema)
            #expect(server.requestCount == 1)
        }
    }

    @Test func anExplicitModeIsNeverChanged() async throws {
        let schema = ResponseSchema(name: "answer", json: #"{"type":"object"}"#)
        let request = ChatRequest(model: "mock-model", messages: [.user("q")], schema: schema)
        let seen = Locked<[MockRequest]>([])
        try await withMockEndpoint({ request in
            seen.withLock { $0.append(request) }
            return .error(status: 400, message: "guided_json is not supported")
        }, configure: { $0.structuredOutput = .guidedJSON }) { server, client in
            defer { #expect(seen.withLock { $0.first?.field("guided_json") } == .object(["type": .string("object")])) }
            #expect(await modelError { _ = try await client.complete(request) }?.kind == .badRequest)
            #expect(client.structuredOutputMode == .guidedJSON)
            #expect(server.requestCount == 1)
        }
    }

    @Test func manyConcurrentRequestsThroughTheGate() async throws {
        try await withMockEndpoint({ request in
            .delayed(seconds: 0.001, .completion(text: "n\(request.index)"))
        }, configure: {
            $0.concurrency = 8
            $0.maxConcurrency = 16
        }) { server, client in
            let texts = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { try await client.complete(question).text } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(texts.count == 100)
            #expect(server.requestCount == 100)
            #expect(client.statistics.inFlight == 0)
            #expect(client.statistics.concurrencyLimit > 8)
        }
    }

    @Test func imagesReachTheServerInOrder() async throws {
        let seen = Locked<[MockRequest]>([])
        let first = ChatImage(jpeg: Data([0xFF, 0xD8, 1]))
        let second = ChatImage(jpeg: Data([0xFF, 0xD8, 2]), detail: .high)
        let request = ChatRequest(
            model: "mock-model", messages: [ChatMessage(role: .user, parts: [.text("Which differs?"), .image(first), .image(second)])])
        try await withMockEndpoint({ request in
            seen.withLock { $0.append(request) }
            return .completion(text: "the second")
        }) { _, client in
            let reply = try await client.complete(request)
            #expect(reply.text == "the second")
            let received = try #require(seen.withLock { $0.first })
            #expect(received.imageCount == 2)
            #expect(received.imageURLs == [first.dataURL, second.dataURL])
            #expect(received.messageTexts == "Which differs?")
            #expect(received.roles == ["user"])
        }
    }

    @Test func theFixedResponderServesPlainAndStreamedReplies() async throws {
        let server = try await MockModelServer.start(responder: MockModelServer.fixed(text: #"{"answer": "mock"}"#))
        for stream in [false, true] {
            let configuration = EndpointConfiguration(
                name: "fixed", baseURL: server.baseURL, model: "m", timeout: 10, maxRetries: 0, stream: stream)
            let client = OpenAIClient(configuration: configuration)
            let replies = try await withThrowingTaskGroup(of: ChatReply.self) { group in
                for _ in 0..<20 { group.addTask { try await client.complete(question) } }
                return try await group.reduce(into: [ChatReply]()) { $0.append($1) }
            }
            try await client.shutdown()
            #expect(replies.count == 20)
            #expect(replies.allSatisfy { $0.text == #"{"answer": "mock"}"# && $0.usage == TokenUsage(prompt: 12, completion: 7) })
        }
        #expect(server.requestCount == 40)
        try await server.shutdown()
    }
}
