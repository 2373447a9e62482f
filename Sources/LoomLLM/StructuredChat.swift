import LoomCore

/// Why a reply could not be used, in a sentence the model can act on in a correction turn.
public struct ReplyProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, without a final period: it is put into a sentence.
    public var message: String

    /// A problem with this reason.
    public init(message: String) {
        self.message = message
    }

    /// A problem with this reason.
    public init(_ message: String) {
        self.message = message
    }

    /// The reason.
    public var description: String { message }
}

/// What a structured call came to: the value or why there is none, and every reply received on the way (for
/// token and cost accounting, failed attempts included).
public struct StructuredOutcome<T: Sendable>: Sendable {
    /// The decoded value, or `.invalidReply` with the last raw reply.
    public var result: Result<T, ModelError>
    /// Every reply received, in order, failed attempts included.
    public var replies: [ChatReply]

    /// An outcome with these parts.
    public init(result: Result<T, ModelError>, replies: [ChatReply]) {
        self.result = result
        self.replies = replies
    }

    /// The value, if the call produced one.
    public var value: T? {
        if case .success(let value) = result { return value }
        return nil
    }

    /// Tokens of every reply together.
    public var usage: TokenUsage { replies.reduce(TokenUsage()) { $0 + $1.usage } }
}

/// JSON replies from any chat model, with correction turns: the reply must be exactly one JSON document (an
/// optional Markdown code fence around it is accepted) that `decode` accepts; otherwise the model sees its reply
/// and the reason, and is asked again, up to `maxCorrections` times.
///
/// Each correction is an ordinary request through the same model, so a `CachedChatModel` caches it like any other.
/// Transport and HTTP errors are thrown as `ModelError`; only unusable replies end as a failed outcome.
public struct StructuredChat: Sendable {
    /// The model every request and correction goes to.
    public let model: any ChatModel
    /// Correction turns after the first reply before giving up.
    public let maxCorrections: Int
    /// Whether a reply cut off at `max_tokens` is answered with a correction asking for a shorter reply. A task
    /// whose reply cannot be shorter without leaving something out (a translation) fails at once instead, saying to
    /// raise the limit.
    public let correctsCutOffs: Bool

    /// Structured calls to `model`, with at most `maxCorrections` correction turns.
    public init(model: any ChatModel, maxCorrections: Int = 2, correctsCutOffs: Bool = true) {
        self.model = model
        self.maxCorrections = max(0, maxCorrections)
        self.correctsCutOffs = correctsCutOffs
    }

    /// Sends `request` until its reply decodes, or the corrections run out.
    public func complete<T: Sendable>(
        _ request: ChatRequest, decode: @Sendable (JSONValue) throws(ReplyProblem) -> T
    ) async throws -> StructuredOutcome<T> {
        var current = request
        var replies: [ChatReply] = []
        var attempt = 0
        var cutOffs = 0
        while true {
            let reply = try await model.complete(current)
            replies.append(reply)
            if let refusal = reply.refusal {
                // Asking again gets the same refusal, paid for again.
                let failure = ModelError(
                    .declined, endpoint: model.endpointName, message: "the model refused: \(refusal)", rawReply: refusal)
                return StructuredOutcome(result: .failure(failure), replies: replies)
            }
            if reply.finishReason == "content_filter" {
                // The provider's filter (Azure OpenAI) cut the reply: asking again is filtered again, and paid for.
                let failure = ModelError(
                    .declined, endpoint: model.endpointName,
                    message: "the endpoint's content filter stopped the reply (finish_reason content_filter)", rawReply: reply.text)
                return StructuredOutcome(result: .failure(failure), replies: replies)
            }
            if StructuredChat.isPlainRefusal(reply.text) {
                // No JSON, only "I'm sorry, I can't…": the model declined this item, and a correction turn would be
                // declined again, and paid for.
                let failure = ModelError(
                    .declined, endpoint: model.endpointName,
                    message: "the model declined: \(CompletionDecoder.clip(reply.text.trimmingWhitespace, to: 200))", rawReply: reply.text)
                return StructuredOutcome(result: .failure(failure), replies: replies)
            }
            let problem: ReplyProblem
            do throws(ReplyProblem) {
                if let reasoning = reply.reasoningCharacters, reply.text.trimmingWhitespace.isEmpty {
                    // The whole reply went to the reasoning field: the model never answered, or the server's
                    // reasoning parser took the answer with it.
                    throw ReplyProblem(
                        "the reply is empty: the server sent \(reasoning) characters of reasoning (reasoning_content) and no answer; the model stopped after reasoning, or the server's reasoning parser took the answer too")
                }
                let value = try StructuredChat.extractJSON(from: reply.text)
                return StructuredOutcome(result: .success(try decode(value)), replies: replies)
            } catch {
                if reply.finishReason == "length" {
                    cutOffs += 1
                    if !correctsCutOffs {
                        let limit = request.maxTokens.map { " (\($0))" } ?? ""
                        let failure = ModelError(
                            .invalidReply, endpoint: model.endpointName,
                            message: "the reply was cut off at max_tokens\(limit), and a shorter one would leave text out: raise `max_tokens` for this stage",
                            rawReply: reply.text)
                        return StructuredOutcome(result: .failure(failure), replies: replies)
                    }
                    problem = ReplyProblem("the reply was cut off at max_tokens; reply with shorter JSON")
                } else {
                    problem = error
                }
            }
            // A second reply cut off at the same limit says the limit is too low for the task (or for a model that
            // spends it on reasoning first): more corrections would be paid for and cut off again.
            guard attempt < maxCorrections, cutOffs < 2 else {
                if cutOffs >= 2 {
                    let limit = request.maxTokens.map { " (\($0))" } ?? ""
                    // A reasoning model spends the limit thinking first: say how much, so the new limit leaves room.
                    let thinking = reply.usage.reasoning > 0
                        ? "; the last one spent \(reply.usage.reasoning) of its \(reply.usage.completion) tokens reasoning" : ""
                    let failure = ModelError(
                        .invalidReply, endpoint: model.endpointName,
                        message: "\(replies.count) replies were cut off at max_tokens\(limit)\(thinking): raise `max_tokens` for this stage",
                        rawReply: reply.text)
                    return StructuredOutcome(result: .failure(failure), replies: replies)
                }
                let tries = replies.count == 1 ? "1 reply" : "\(replies.count) replies"
                let failure = ModelError(
                    .invalidReply, endpoint: model.endpointName,
                    message: "no usable reply after \(tries): \(problem.message)", rawReply: reply.text)
                return StructuredOutcome(result: .failure(failure), replies: replies)
            }
            attempt += 1
            current = current.appending([
                .assistant(StructuredChat.echoed(reply.text)),
                .user(StructuredChat.correction(problem)),
            ])
        }
    }

    /// Whether a reply is a refusal in plain text: it opens as one (`RefusalText`) and holds no JSON object.
    static func isPlainRefusal(_ text: String) -> Bool {
        !text.contains("{") && RefusalText.opensWithRefusal(text.trimmingWhitespace)
    }

    /// The longest rejected reply a correction turn sends back whole, in characters.
    public static let echoLimit = 6_000

    /// A rejected reply as the correction turn sends it back: whole up to `echoLimit` characters, else its start and
    /// end around a note of what was left out. A runaway reply (a megabyte of caption) would otherwise be paid for
    /// again as prompt tokens with every correction, or overflow the model's context.
    public static func echoed(_ text: String) -> String {
        guard text.count > echoLimit else { return text }
        let head = text.prefix(echoLimit * 2 / 3)
        let tail = text.suffix(echoLimit / 6)
        return "\(head)\n[… \(text.count - head.count - tail.count) characters of this reply left out …]\n\(tail)"
    }

    /// The user message of a correction turn.
    public static func correction(_ problem: ReplyProblem) -> String {
        "Your reply could not be used: \(problem.message). Reply again with only the corrected JSON."
    }

    /// The one JSON document a reply holds: the whole text, trimmed, or the inside of a single ```json … ``` (or
    /// plain ```) fence that makes up the whole text. No searching for a JSON-looking substring: a reply with prose
    /// around its JSON is a reply to correct, not to guess at.
    ///
    /// A reasoning block the model opens the reply with (`<think>…</think>`: Qwen3, DeepSeek-R1, QwQ, when the
    /// server does not split it off into `reasoning_content`) is not part of the answer and is left out first, and
    /// so is reasoning that only ends with `</think>` (the template opened the block in the prompt).
    public static func extractJSON(from text: String) throws(ReplyProblem) -> JSONValue {
        var body = Substring(text.trimmingWhitespace)
        if body.hasPrefix("<think>") {
            guard let end = body.range(of: "</think>") else {
                throw ReplyProblem("the reply is only reasoning: its <think> block is never closed")
            }
            body = Substring(String(body[end.upperBound...]).trimmingWhitespace)
        } else if !body.hasPrefix("{"), !body.hasPrefix("["), !body.hasPrefix("```"), let end = body.range(of: "</think>") {
            // The chat template opened the block in the prompt (DeepSeek-R1 distills, QwQ, Qwen3 thinking models
            // served without a reasoning parser): the reply is the reasoning, "</think>", then the answer.
            body = Substring(String(body[end.upperBound...]).trimmingWhitespace)
        }
        guard !body.isEmpty else { throw ReplyProblem("the reply is empty") }
        if body.hasPrefix("```") {
            guard body.count >= 6, body.hasSuffix("```") else {
                if body.dropFirst(3).contains("```") {
                    throw ReplyProblem("the reply has text after its closing ``` fence: reply with the JSON alone")
                }
                throw ReplyProblem("the reply opens a ``` fence that is never closed")
            }
            body = body.dropFirst(3).dropLast(3)
            // The info string: nothing, or "json" (any case), up to the end of the first line.
            guard let newline = body.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) else {
                throw ReplyProblem("the ``` fence must hold the JSON on lines of its own")
            }
            let info = body[..<newline].trimmingCharacters(in: " \t")
            guard info.isEmpty || info.lowercased() == "json" else {
                // Only a short info string is quoted back: the correction turn must not carry the model's text.
                let shown = info.count <= 20 ? info : String(info.prefix(20)) + "…"
                throw ReplyProblem("the reply is fenced as \(shown), not JSON")
            }
            body = body[body.index(after: newline)...]
            if body.contains("```") { throw ReplyProblem("the reply holds more than one ``` fence") }
        }
        do {
            return try JSONValue.parse(Array(body.utf8))
        } catch {
            let start = body.first(where: { !$0.isWhitespace })
            if let start, start != "{" && start != "[" && start != "\"" {
                throw ReplyProblem("the reply is not JSON (it must start with '{' or '['; \(error.reason))")
            }
            throw ReplyProblem("the reply is not valid JSON: \(error.reason)")
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
