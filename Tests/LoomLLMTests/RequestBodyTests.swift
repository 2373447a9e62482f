import Foundation
import LoomCore
import LoomLLM
import Testing

@Suite struct RequestBodyTests {
    let schema = ResponseSchema(
        name: "answer", json: #"{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}"#)

    private func parse(_ request: ChatRequest, _ mode: StructuredOutputMode = .none, stream: Bool = false)
        throws -> [String: JSONValue]
    {
        let bytes = RequestBody.bytes(for: request, structuredOutput: mode, stream: stream)
        guard case .object(let root) = try JSONValue.parse(bytes) else {
            Issue.record("not an object")
            return [:]
        }
        return root
    }

    @Test func textOnlyMessagesHaveStringContent() throws {
        let request = ChatRequest(
            model: "gpt-x", messages: [.system("Be \"exact\".\n"), .user("What is 2+2? ✓")], temperature: 0.2, topP: 0.9,
            maxTokens: 300, seed: 7)
        let root = try parse(request)
        #expect(root["model"] == .string("gpt-x"))
        #expect(root["temperature"] == .number(0.2))
        #expect(root["top_p"] == .number(0.9))
        #expect(root["max_tokens"] == .integer(300))
        #expect(root["seed"] == .integer(7))
        #expect(root["stream"] == nil)
        #expect(root["response_format"] == nil)
        guard case .array(let messages)? = root["messages"] else {
            Issue.record("no messages")
            return
        }
        #expect(messages.count == 2)
        #expect(messages[0] == .object(["role": .string("system"), "content": .string("Be \"exact\".\n")]))
        #expect(messages[1] == .object(["role": .string("user"), "content": .string("What is 2+2? ✓")]))
    }

    @Test func imagesBecomePartsInOrder() throws {
        let first = ChatImage(jpeg: Data([0xFF, 0xD8, 0xFF]), detail: .low)
        let second = ChatImage(jpeg: Data([1, 2, 3, 4, 5]))
        let message = ChatMessage(role: .user, parts: [.image(first), .text("Compare these."), .image(second)])
        let root = try parse(ChatRequest(model: "m", messages: [.system("s"), message]))
        guard case .array(let messages)? = root["messages"], case .object(let user) = messages[1],
            case .array(let parts)? = user["content"]
        else {
            Issue.record("no parts")
            return
        }
        #expect(messages[0] == .object(["role": .string("system"), "content": .string("s")]))
        #expect(parts.count == 3)
        #expect(
            parts[0]
                == .object([
                    "type": .string("image_url"),
                    "image_url": .object([
                        "url": .string("data:image/jpeg;base64," + Data([0xFF, 0xD8, 0xFF]).base64EncodedString()),
                        "detail": .string("low"),
                    ]),
                ]))
        #expect(parts[1] == .object(["type": .string("text"), "text": .string("Compare these.")]))
        #expect(
            parts[2]
                == .object([
                    "type": .string("image_url"),
                    "image_url": .object(["url": .string(second.dataURL), "detail": .string("auto")]),
                ]))
    }

    @Test func base64MatchesFoundationForEveryLength() throws {
        for length in Array(0..<10) + [1_000, 30_001, 30_002] {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) })
            let image = ChatImage(jpeg: data)
            let root = try parse(ChatRequest(model: "m", messages: [ChatMessage(role: .user, parts: [.image(image)])]))
            #expect(root["messages"]?.jsonText.contains(image.dataURL) == true, "length \(length)")
        }
    }

    @Test func streamAsksForUsage() throws {
        let root = try parse(ChatRequest(model: "m", messages: [.user("q")]), stream: true)
        #expect(root["stream"] == .bool(true))
        #expect(root["stream_options"] == .object(["include_usage": .bool(true)]))
    }

    @Test func eachStructuredOutputMode() throws {
        let request = ChatRequest(model: "m", messages: [.user("q")], schema: schema)
        let schemaValue = try JSONValue.parse(Array(schema.json.utf8))
        let expectedSchemaFormat = JSONValue.object([
            "type": .string("json_schema"),
            "json_schema": .object(["name": .string("answer"), "schema": schemaValue, "strict": .bool(true)]),
        ])
        for mode in [StructuredOutputMode.jsonSchema, .auto] {
            let root = try parse(request, mode)
            #expect(root["response_format"] == expectedSchemaFormat)
            #expect(root["format"] == nil && root["guided_json"] == nil)
        }
        let object = try parse(request, .jsonObject)
        #expect(object["response_format"] == .object(["type": .string("json_object")]))
        // Ollama's `/v1` has no `format` field: it takes the schema as `response_format` and makes its own of it.
        let ollama = try parse(request, .ollamaFormat)
        #expect(ollama["response_format"] == expectedSchemaFormat)
        #expect(ollama["format"] == nil)
        let vLLM = try parse(request, .structuredOutputs)
        #expect(vLLM["structured_outputs"] == .object(["json": schemaValue]))
        #expect(vLLM["response_format"] == nil && vLLM["guided_json"] == nil)
        let guided = try parse(request, .guidedJSON)
        #expect(guided["guided_json"] == schemaValue)
        #expect(guided["response_format"] == nil)
        let none = try parse(request, .none)
        #expect(none["response_format"] == nil && none["format"] == nil && none["guided_json"] == nil)
        // Without a schema no mode adds anything.
        let plain = try parse(ChatRequest(model: "m", messages: [.user("q")]), .jsonSchema)
        #expect(plain["response_format"] == nil)
    }

    @Test func theEndpointModelFillsAnEmptyRequestModel() throws {
        let bytes = RequestBody.bytes(
            for: ChatRequest(model: "", messages: [.user("q")]), structuredOutput: .none, stream: false, model: "served")
        #expect(try JSONValue.parse(bytes).jsonText.contains(#""model":"served""#))
    }
}

@Suite struct CompletionDecoderTests {
    private func decode(_ text: String) throws(ModelError) -> ChatReply {
        try CompletionDecoder.decodeCompletion(Array(text.utf8), endpoint: "e")
    }

    private func failure(_ text: String) -> ModelError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func aCompletionWithUsage() throws {
        let reply = try decode(
            #"{"id":"x","model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13}}"#
        )
        #expect(reply == ChatReply(text: "Hi", finishReason: "stop", usage: TokenUsage(prompt: 11, completion: 2), model: "gpt-x"))
    }

    @Test func cachedPromptTokensAreReadAndPricedApart() throws {
        let openAI = try decode(
            #"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":2000,"completion_tokens":100,"prompt_tokens_details":{"cached_tokens":1536}}}"#)
        #expect(openAI.usage == TokenUsage(prompt: 2000, completion: 100, cachedPrompt: 1536))
        let deepSeek = try decode(
            #"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_cache_hit_tokens":640}}"#)
        #expect(deepSeek.usage.cachedPrompt == 640)
        // A count above the prompt is held to it.
        #expect(TokenUsage(prompt: 10, completion: 0, cachedPrompt: 50).cachedPrompt == 10)
        // $2.50 a million input, $1.25 cached, $10 output.
        let price = ModelPrice(inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25)
        let expected: Double = (464 * 2.5 + 1536 * 1.25 + 100 * 10) / 1_000_000
        #expect(abs(price.cost(of: openAI.usage) - expected) < 1e-12)
        // Without a cached price, cached tokens cost as any input.
        let full: Double = (2000 * 2.5 + 100 * 10) / 1_000_000
        #expect(abs(ModelPrice(inputPerMillion: 2.5, outputPerMillion: 10).cost(of: openAI.usage) - full) < 1e-12)
        // Replies stored before the field existed still decode.
        let old = try JSONDecoder().decode(TokenUsage.self, from: Data(#"{"prompt":5,"completion":2}"#.utf8))
        #expect(old == TokenUsage(prompt: 5, completion: 2))
        #expect(try JSONDecoder().decode(TokenUsage.self, from: JSONEncoder().encode(openAI.usage)) == openAI.usage)
    }

    @Test func contentMayBeNullOrParts() throws {
        #expect(try decode(#"{"choices":[{"message":{"content":null},"finish_reason":"length"}]}"#).text == "")
        let parts = try decode(
            #"{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}"#)
        #expect(parts.text == "ab")
    }

    @Test func hostileBodiesAreInvalidResponses() {
        let bodies = [
            "", "   \n", "<!DOCTYPE html><html><body>Bad gateway</body></html>", #"{"error":{"message":"overloaded"}}"#,
            #"{"choices":[]}"#, #"{"choices":"x"}"#, "[1,2]", #"{"id":"x"}"#, #"{"choices":[{"message":{"content":5}}]}"#,
            String(repeating: "[", count: 100_000), "{\"choices\":[{\"message\":{\"content\":\"" + String(repeating: "x", count: 1_000_000),
        ]
        for body in bodies {
            let error = failure(body)
            #expect(error?.kind == .invalidResponse, "\(body.prefix(40))")
            #expect((error?.message.count ?? 0) < 400)
        }
        #expect(failure(#"{"error":{"message":"overloaded"}}"#)?.message.contains("overloaded") == true)
        #expect(failure("<html>")?.message.contains("not JSON") == true)
    }

    @Test func streamChunks() throws {
        let delta = try CompletionDecoder.decodeStreamEvent(
            #"{"choices":[{"index":0,"delta":{"content":"He"},"finish_reason":null}],"model":"m"}"#, endpoint: "e")
        var expected = CompletionDecoder.StreamChunk(content: "He", model: "m")
        expected.hasChoice = true
        #expect(delta == expected)
        let usage = try CompletionDecoder.decodeStreamEvent(
            #"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#, endpoint: "e")
        #expect(usage.usage == TokenUsage(prompt: 3, completion: 4))
        #expect(try CompletionDecoder.decodeStreamEvent("[DONE]", endpoint: "e").isDone)
    }

    @Test func errorMessagesFromBodies() {
        #expect(CompletionDecoder.errorMessage(in: Array(#"{"error":{"message":"bad key"}}"#.utf8)) == "bad key")
        #expect(CompletionDecoder.errorMessage(in: Array(#"{"error":"plain"}"#.utf8)) == "plain")
        #expect(CompletionDecoder.errorMessage(in: Array(#"{"detail":"fastapi"}"#.utf8)) == "fastapi")
        #expect(CompletionDecoder.errorMessage(in: Array("<html>".utf8)) == nil)
        let long = CompletionDecoder.errorMessage(in: Array(("{\"error\":{\"message\":\"" + String(repeating: "y", count: 5000) + "\"}}").utf8))
        #expect((long?.count ?? 0) <= 301)
    }

    @Test func theStreamAssemblerJoinsDeltas() throws {
        var assembler = StreamAssembler(endpoint: "e")
        let text =
            ": hi\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\r\n\r\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\r\n\r\ndata: [DONE]\r\n\r\n"
        for byte in Array(text.utf8) { assembler.feed([byte]) }
        #expect(try assembler.finish() == ChatReply(text: "ab", finishReason: "stop", usage: TokenUsage(prompt: 1, completion: 2)))

        var broken = StreamAssembler(endpoint: "e")
        broken.feed(Array("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choi".utf8))
        do {
            _ = try broken.finish()
            Issue.record("a broken stream was accepted")
        } catch {
            #expect(StreamAssembler.isBrokenStream(error))
        }
    }
}
