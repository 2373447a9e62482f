import LoomCore
import LoomLLM
import LoomMockModel
import Synchronization
import Testing

/// A model that answers from a script, in order, and keeps every request.
final class ScriptedModel: ChatModel {
    private let script: Mutex<[ChatReply]>
    private let seen = Mutex<[ChatRequest]>([])

    init(_ replies: [ChatReply]) {
        script = Mutex(replies)
    }

    convenience init(texts: [String]) {
        self.init(texts.map { ChatReply(text: $0, finishReason: "stop", usage: TokenUsage(prompt: 10, completion: 3)) })
    }

    var endpointName: String { "scripted" }
    var requests: [ChatRequest] { seen.withLock { $0 } }

    func complete(_ request: ChatRequest) async throws -> ChatReply {
        seen.withLock { $0.append(request) }
        return script.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
    }
}

/// What the tests decode: a question with exactly four options.
struct Question: Sendable, Equatable {
    var question: String
    var options: [String]
}

let questionSchema = ResponseSchema(
    name: "questions",
    json: #"{"type":"object","properties":{"questions":{"type":"array","minItems":1,"items":{"type":"object","properties":{"question":{"type":"string","minLength":1},"options":{"type":"array","items":{"type":"string"},"minItems":4,"maxItems":4},"answer":{"type":"integer","minimum":0,"maximum":3},"kind":{"enum":["count","color"]}},"required":["question","options","answer"],"additionalProperties":false}}},"required":["questions"]}"#
)

@Sendable func decodeQuestions(_ value: JSONValue) throws(ReplyProblem) -> [Question] {
    let check = try! JSONSchemaCheck(questionSchema)
    try check.check(value)
    guard case .object(let root) = value, case .array(let list)? = root["questions"] else { throw ReplyProblem("no questions") }
    return list.compactMap { item in
        guard case .object(let fields) = item, let question = fields["question"]?.stringValue,
            case .array(let options)? = fields["options"]
        else { return nil }
        return Question(question: question, options: options.compactMap(\.stringValue))
    }
}

@Suite struct StructuredChatTests {
    let request = ChatRequest(model: "m", messages: [.user("Write one question.")], schema: questionSchema)
    let valid = #"{"questions":[{"question":"How many?","options":["1","2","3","4"],"answer":2}]}"#

    @Test func invalidJSONThenValid() async throws {
        let model = ScriptedModel(texts: ["Sure! Here it is: {\"questions\": [", valid])
        let outcome = try await StructuredChat(model: model).complete(request, decode: decodeQuestions)
        #expect(outcome.value == [Question(question: "How many?", options: ["1", "2", "3", "4"])])
        #expect(outcome.replies.count == 2)
        #expect(outcome.usage == TokenUsage(prompt: 20, completion: 6))
        let correction = try #require(model.requests.last)
        #expect(correction.messages.count == 3)
        #expect(correction.messages[1] == .assistant("Sure! Here it is: {\"questions\": ["))
        let text = correction.messages[2].text
        #expect(text.hasPrefix("Your reply could not be used: the reply is not JSON"))
        #expect(text.hasSuffix("Reply again with only the corrected JSON."))
    }

    @Test("a runaway reply is sent back in a correction by its start and end, not whole")
    func runawayRepliesAreShortenedInCorrections() async throws {
        let runaway = "{\"caption\": \"" + String(repeating: "a red cube ", count: 100_000)
        let model = ScriptedModel(texts: [runaway, runaway, valid])
        let outcome = try await StructuredChat(model: model).complete(request, decode: decodeQuestions)
        #expect(outcome.value?.count == 1)
        let last = try #require(model.requests.last)
        // Both rejected replies are in the last request, each cut to about the limit.
        let echoes = last.messages.filter { $0.role == .assistant }.map(\.text)
        #expect(echoes.count == 2)
        #expect(echoes.allSatisfy { $0.count < StructuredChat.echoLimit + 100 && $0.hasPrefix("{\"caption\": \"a red cube") })
        #expect(echoes.allSatisfy { $0.contains("characters of this reply left out") && $0.hasSuffix("a red cube ") })
    }

    @Test func schemaProblemsAreSentBack() async throws {
        let threeOptions = #"{"questions":[{"question":"How many?","options":["1","2","3"],"answer":2}]}"#
        let model = ScriptedModel(texts: [threeOptions, valid])
        let outcome = try await StructuredChat(model: model).complete(request, decode: decodeQuestions)
        #expect(outcome.value?.count == 1)
        let correction = try #require(model.requests.last?.messages.last?.text)
        #expect(correction.contains("questions[0].options: expected 4 items, got 3"))
    }

    @Test func alwaysInvalidEndsAsInvalidReply() async throws {
        let model = ScriptedModel(texts: ["Here are some questions about the image."])
        let outcome = try await StructuredChat(model: model, maxCorrections: 2).complete(request, decode: decodeQuestions)
        #expect(outcome.value == nil)
        #expect(outcome.replies.count == 3)
        guard case .failure(let error) = outcome.result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .invalidReply)
        #expect(error.rawReply == "Here are some questions about the image.")
        #expect(error.endpoint == "scripted")
        #expect(model.requests.count == 3)
        #expect(model.requests.last?.messages.count == 5)
    }

    @Test func fencedJSONIsAccepted() async throws {
        for text in ["```json\n\(valid)\n```", "```\n\(valid)\n```", "  \n```JSON\r\n\(valid)```\n"] {
            let model = ScriptedModel(texts: [text])
            let outcome = try await StructuredChat(model: model).complete(request, decode: decodeQuestions)
            #expect(outcome.value?.count == 1, "\(text)")
            #expect(outcome.replies.count == 1)
        }
    }

    @Test func extractionIsStrict() {
        func reason(_ text: String) -> String? {
            do {
                _ = try StructuredChat.extractJSON(from: text)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(reason("{\"a\":1}") == nil)
        #expect(reason("[1, 2]") == nil)
        #expect(reason("") == "the reply is empty")
        #expect(reason("{\"a\":1} and more") != nil)
        #expect(reason("Here: {\"a\":1}") != nil)
        #expect(reason("```json\n{\"a\":1}\n``` ```json\n{}\n```") != nil)
        #expect(reason("```python\nprint(1)\n```")?.contains("python") == true)
        #expect(reason("```json\n{\"a\":1}") != nil)
    }

    @Test func aReplyCutOffAtMaxTokensSaysSo() async throws {
        let model = ScriptedModel([
            ChatReply(text: #"{"questions":[{"question":"How"#, finishReason: "length"),
            ChatReply(text: valid, finishReason: "stop"),
        ])
        let outcome = try await StructuredChat(model: model).complete(request, decode: decodeQuestions)
        #expect(outcome.value != nil)
        #expect(model.requests.last?.messages.last?.text.contains("the reply was cut off at max_tokens") == true)
    }

    @Test func aSecondCutOffStopsTheCorrections() async throws {
        let cut = ChatReply(text: #"{"questions":[{"question":"How"#, finishReason: "length")
        let model = ScriptedModel([cut, cut, ChatReply(text: valid, finishReason: "stop")])
        var limited = request
        limited.maxTokens = 64
        let outcome = try await StructuredChat(model: model, maxCorrections: 4).complete(limited, decode: decodeQuestions)
        #expect(outcome.value == nil)
        #expect(outcome.replies.count == 2)
        guard case .failure(let error) = outcome.result else { return }
        #expect(error.message == "2 replies were cut off at max_tokens (64): raise `max_tokens` for this stage")
    }

    @Test("a reasoning model's cut-off says how many of its tokens went to reasoning, read from the usage")
    func aCutOffNamesTheReasoningTokens() async throws {
        let body = Array(#"""
            {"id":"c","object":"chat.completion","model":"o4-mini","choices":[{"index":0,"finish_reason":"length",
             "message":{"role":"assistant","content":""}}],
             "usage":{"prompt_tokens":900,"completion_tokens":256,"completion_tokens_details":{"reasoning_tokens":256}}}
            """#.utf8)
        let cut = try CompletionDecoder.decodeCompletion(body, endpoint: "openai")
        #expect(cut.usage.reasoning == 256 && cut.usage.completion == 256)
        let model = ScriptedModel([cut, cut])
        var limited = request
        limited.maxTokens = 256
        let outcome = try await StructuredChat(model: model, maxCorrections: 4).complete(limited, decode: decodeQuestions)
        guard case .failure(let error) = outcome.result else {
            Issue.record("the cut-off replies were accepted")
            return
        }
        #expect(error.message == "2 replies were cut off at max_tokens (256); the last one spent 256 of its 256 tokens reasoning: raise `max_tokens` for this stage")
    }

    @Test func aLeadingReasoningBlockIsLeftOut() throws {
        #expect(try StructuredChat.extractJSON(from: "<think>\nThe user wants JSON. 2+2=4.\n</think>\n\n{\"answer\":\"4\"}") == .object(["answer": .string("4")]))
        #expect(try StructuredChat.extractJSON(from: "<think>\n\n</think>\n\n```json\n[1]\n```") == .array([.integer(1)]))
        #expect(throws: ReplyProblem("the reply is only reasoning: its <think> block is never closed")) {
            try StructuredChat.extractJSON(from: "<think>\nStill thinking about {")
        }
        // Reasoning anywhere but at the start is prose around the JSON, corrected as before.
        #expect(throws: ReplyProblem.self) { try StructuredChat.extractJSON(from: "{\"a\":1}<think>x</think>") }
        // The template opened the block in the prompt: the reply is reasoning, "</think>", then the answer.
        #expect(try StructuredChat.extractJSON(from: "Okay, the user wants JSON.\n</think>\n\n{\"answer\":\"4\"}") == .object(["answer": .string("4")]))
    }

    @Test func aRefusalIsAReplyPaidForAndNotAskedAgain() async throws {
        let body = #"{"id":"c","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":900,"completion_tokens":12}}"#
        try await withMockEndpoint({ _ in .raw(status: 200, headers: [("content-type", "application/json")], body: body) }) { server, client in
            let outcome = try await StructuredChat(model: client).complete(request, decode: decodeQuestions)
            guard case .failure(let error) = outcome.result else {
                Issue.record("a refusal decoded as a value")
                return
            }
            #expect(error.message == "the model refused: I'm sorry, I can't help with that.")
            #expect(outcome.usage == TokenUsage(prompt: 900, completion: 12))
            #expect(server.requestCount == 1)
        }
    }

    @Test("a reply the endpoint's content filter stopped is not asked again: it would be filtered, and paid for, again")
    func aContentFilterStopIsNotAskedAgain() async throws {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":50,"completion_tokens":0}}"#
        try await withMockEndpoint({ _ in .raw(status: 200, headers: [("content-type", "application/json")], body: body) }) { server, client in
            let outcome = try await StructuredChat(model: client).complete(request, decode: decodeQuestions)
            guard case .failure(let error) = outcome.result else {
                Issue.record("a filtered reply decoded as a value")
                return
            }
            #expect(error.message.contains("content filter"))
            #expect(server.requestCount == 1)
        }
    }

    @Test("a reply whose text all went to reasoning_content says so, streamed or not")
    func anEmptyAnswerBesideReasoningSaysSo() async throws {
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"Let me think about the image. It shows"},"finish_reason":"stop"}],"usage":{"prompt_tokens":50,"completion_tokens":40}}"#
        let streamed = "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Let me think\"}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
        for (stream, answer) in [(false, body), (true, streamed)] {
            try await withMockEndpoint({ _ in
                .raw(status: 200, headers: [("content-type", stream ? "text/event-stream" : "application/json")], body: answer)
            }, configure: { $0.stream = stream }) { _, client in
                let outcome = try await StructuredChat(model: client, maxCorrections: 0).complete(request, decode: decodeQuestions)
                guard case .failure(let error) = outcome.result else {
                    Issue.record("an empty answer decoded as a value")
                    return
                }
                #expect(error.message.contains("characters of reasoning (reasoning_content) and no answer"), "\(error.message)")
            }
        }
    }

    @Test func transportErrorsAreThrown() async throws {
        try await withMockEndpoint({ _ in .error(status: 401, message: "no key") }) { _, client in
            let error = await modelError {
                _ = try await StructuredChat(model: client).complete(request, decode: decodeQuestions)
            }
            #expect(error?.kind == .unauthorized)
        }
    }

    @Test func throughTheMockServerEndToEnd() async throws {
        try await withMockEndpoint({ [valid] request in
            request.messageCount == 1 ? .completion(text: "not json") : .completion(text: "```json\n\(valid)\n```")
        }, configure: { $0.timeout = 300 }) { server, client in
            // A generous deadline: on a loaded machine a timed-out attempt would be retried and counted.
            let outcome = try await StructuredChat(model: client).complete(request, decode: decodeQuestions)
            #expect(outcome.value?.first?.options.count == 4)
            #expect(outcome.replies.count == 2)
            #expect(server.requestCount == 2)
        }
    }
}

@Suite struct JSONSchemaCheckTests {
    let check = try! JSONSchemaCheck(questionSchema)

    private func problems(_ json: String) -> [String] {
        check.problems(in: try! JSONValue.parse(Array(json.utf8)))
    }

    @Test func aValidValueHasNoProblems() {
        #expect(problems(#"{"questions":[{"question":"Q","options":["a","b","c","d"],"answer":3.0,"kind":"color"}]}"#).isEmpty)
    }

    @Test func problemsNameTheirPlace() {
        #expect(problems("[]") == ["expected an object, got an array of 0 items"])
        #expect(problems("{}") == [#"missing "questions""#])
        #expect(problems(#"{"questions":[]}"#) == ["questions: expected at least 1 item, got 0"])
        let found = problems(
            #"{"questions":[{"question":"Q","options":["a","b","c","d"],"answer":1},{"question":"","options":["a",2,"c"],"answer":4,"kind":"size","extra":true}]}"#
        )
        #expect(
            found == [
                "questions[1].answer: expected at most 3, got 4",
                #"questions[1]: unexpected member "extra""#,
                #"questions[1].kind: expected one of "count", "color", got a string ("size")"#,
                "questions[1].options: expected 4 items, got 3",
                "questions[1].options[1]: expected a string, got a number (2)",
                "questions[1].question: expected at least 1 character, got 0",
            ])
        #expect(problems(#"{"questions":[{"options":["a","b","c","d"],"answer":"1"}]}"#) == [
            #"questions[0]: missing "question""#, "questions[0].answer: expected an integer, got a string (\"1\")",
        ])
    }

    @Test func referencesAndAlternatives() throws {
        let schema = try JSONSchemaCheck(
            json: ##"{"$defs":{"point":{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":2}},"type":"object","properties":{"at":{"$ref":"#/$defs/point"},"label":{"anyOf":[{"type":"string"},{"type":"null"}]}}}"##
        )
        #expect(schema.problems(in: try JSONValue.parse(Array(#"{"at":[1,2.5],"label":null}"#.utf8))).isEmpty)
        #expect(
            schema.problems(in: try JSONValue.parse(Array(#"{"at":[1],"label":3}"#.utf8))) == [
                "at: expected 2 items, got 1", "label: matches none of the 2 allowed forms",
            ])
    }

    @Test func checkThrowsAReplyProblem() {
        #expect(throws: ReplyProblem.self) { try check.check(.object([:])) }
    }
}
