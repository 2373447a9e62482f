import LoomCore

/// Reads OpenAI `chat.completion` bodies and `chat.completion.chunk` stream events with LoomCore's strict parser.
///
/// Bodies come from servers of every kind, and some answer 200 with an HTML error page, an empty body or an
/// `{"error": …}` object: every such body becomes a short `ModelError(.invalidResponse)`; nothing here traps.
public enum CompletionDecoder {
    /// What one stream event carried.
    public struct StreamChunk: Sendable, Hashable {
        /// The text delta (`choices[0].delta.content`), if any.
        public var content: String?
        /// `choices[0].finish_reason`, when the chunk has one.
        public var finishReason: String?
        /// Usage, which servers send in the last chunk when asked with `stream_options.include_usage`.
        public var usage: TokenUsage?
        /// The model the server reports.
        public var model: String?
        /// The event was `data: [DONE]`.
        public var isDone: Bool
        /// Characters of the reasoning delta (`reasoning_content` or `reasoning`), when the chunk has one.
        public var reasoningCharacters = 0
        /// The refusal delta (`choices[0].delta.refusal`: OpenAI streams a refusal there, not in `content`).
        public var refusal: String?
        /// The event held a choice (a completion chunk, not only usage or nothing at all).
        public var hasChoice = false

        /// A chunk with these fields.
        public init(
            content: String? = nil, finishReason: String? = nil, usage: TokenUsage? = nil, model: String? = nil,
            isDone: Bool = false
        ) {
            self.content = content
            self.finishReason = finishReason
            self.usage = usage
            self.model = model
            self.isDone = isDone
        }
    }

    /// Decodes a complete (non-streamed) response body.
    public static func decodeCompletion(_ body: [UInt8], endpoint: String) throws(ModelError) -> ChatReply {
        let root = try parseObject(body, endpoint: endpoint, what: "the body")
        guard let choices = root["choices"] else {
            throw invalid(endpoint, "the body has no \"choices\"")
        }
        guard case .array(let list) = choices, let first = list.first else {
            throw invalid(endpoint, "\"choices\" is not a non-empty array")
        }
        guard case .object(let choice) = first else { throw invalid(endpoint, "choices[0] is not an object") }
        var text = ""
        var refused: String?
        var reasoning = 0
        if case .object(let message)? = choice["message"] {
            text = try content(message["content"], endpoint: endpoint, path: "choices[0].message.content")
            reasoning = reasoningCharacters(in: message)
            if text.isEmpty, let refusal = message["refusal"]?.stringValue, !refusal.isEmpty {
                refused = clip(refusal)
            }
        } else if let legacy = choice["text"]?.stringValue {
            text = legacy  // completions-style servers
        } else {
            throw invalid(endpoint, "choices[0] has no \"message\"")
        }
        if choice["finish_reason"]?.stringValue == "error" { throw endedWithError(root, endpoint: endpoint) }
        let reportedUsage = usage(root["usage"])
        var reply = ChatReply(
            text: text, finishReason: choice["finish_reason"]?.stringValue, usage: reportedUsage ?? TokenUsage(),
            model: root["model"]?.stringValue, refusal: refused)
        if reportedUsage == nil { reply.usageEstimated = true }
        if reasoning > 0 { reply.reasoningCharacters = reasoning }
        return reply
    }

    /// Decodes the `data` of one stream event.
    public static func decodeStreamEvent(_ data: String, endpoint: String) throws(ModelError) -> StreamChunk {
        var chunk = StreamChunk()
        if data.utf8.count <= 8 && data.trimmingWhitespace == "[DONE]" {
            chunk.isDone = true
            return chunk
        }
        let root = try parseObject(Array(data.utf8), endpoint: endpoint, what: "a stream event")
        chunk.model = root["model"]?.stringValue
        chunk.usage = usage(root["usage"])
        if case .array(let choices)? = root["choices"], case .object(let choice)? = choices.first {
            chunk.hasChoice = true
            chunk.finishReason = choice["finish_reason"]?.stringValue
            if chunk.finishReason == "error" { throw endedWithError(root, endpoint: endpoint) }
            if case .object(let delta)? = choice["delta"] {
                let text = try content(delta["content"], endpoint: endpoint, path: "choices[0].delta.content")
                if !text.isEmpty { chunk.content = text }
                chunk.reasoningCharacters = reasoningCharacters(in: delta)
                if let refusal = delta["refusal"]?.stringValue, !refusal.isEmpty { chunk.refusal = refusal }
            }
        }
        return chunk
    }

    /// The error for a reply whose `finish_reason` is "error" (OpenRouter's, when the model failed while writing):
    /// the text so far is a fragment, so the request is retried like a 500, and nothing of it is kept.
    private static func endedWithError(_ root: [String: JSONValue], endpoint: String) -> ModelError {
        ModelError(
            .server, endpoint: endpoint,
            message: "the server ended the reply with an error: \(errorMessage(in: root) ?? "no message")")
    }

    /// The error an SSE event of type "error" reports: its data as an `{"error": …}` body, as the error object
    /// itself (`{"code": 400, "message": …}`, older llama.cpp servers), or as plain text. A server error (a 5xx
    /// code, a server or overload type) is of kind `.server`, retried like a 500; any other `.invalidResponse`.
    public static func streamError(_ data: String, endpoint: String) -> ModelError {
        let bytes = Array(data.utf8)
        guard case .object(var root)? = try? JSONValue.parse(bytes) else {
            return invalid(endpoint, "the stream sent an error: \(clip(data, to: 300))")
        }
        if !hasError(root) { root = ["error": .object(root)] }
        let message = "the stream sent an error: \(errorMessage(in: root) ?? clip(data, to: 300))"
        return isTransient(root["error"]) ? ModelError(.server, endpoint: endpoint, message: message) : invalid(endpoint, message)
    }

    /// Whether a body holds an error: an `error` member that is an object or a text (not `null`, which some
    /// servers send beside a good reply).
    private static func hasError(_ root: [String: JSONValue]) -> Bool {
        switch root["error"] {
        case .object?: true
        case .string(let text)?: !text.isEmpty
        default: false
        }
    }

    /// The length of the reasoning a message or delta carries apart from its content: vLLM's and llama.cpp's
    /// `reasoning_content`, Ollama's and OpenRouter's `reasoning`.
    private static func reasoningCharacters(in message: [String: JSONValue]) -> Int {
        (message["reasoning_content"]?.stringValue ?? message["reasoning"]?.stringValue)?.count ?? 0
    }

    /// The server's own error message in a body (`{"error": {"message": …}}`, `{"error": "…"}`, `{"message": …}` or
    /// `{"detail": …}`), clipped to about 300 characters; nil when there is none.
    public static func errorMessage(in body: [UInt8]) -> String? {
        guard !body.isEmpty, case .object(let root)? = try? JSONValue.parse(body) else { return nil }
        return errorMessage(in: root)
    }

    /// The field an error body says the request got wrong (OpenAI's `error.param`), or nil.
    public static func errorParameter(in body: [UInt8]) -> String? {
        guard !body.isEmpty, case .object(let root)? = try? JSONValue.parse(body),
            case .object(let error)? = root["error"]
        else { return nil }
        return error["param"]?.stringValue
    }

    static func errorMessage(in root: [String: JSONValue]) -> String? {
        var message: String?
        switch root["error"] {
        case .object(let error)?:
            message = error["message"]?.stringValue ?? error["msg"]?.stringValue ?? error["code"]?.stringValue
            if message == nil, let metadata = error["metadata"] { message = metadata.jsonText }
        case .string(let text)?:
            message = text
        default:
            message = root["message"]?.stringValue ?? root["detail"]?.stringValue
            if message == nil, case .array(let details)? = root["detail"], let first = details.first {
                message = first.jsonText  // FastAPI's validation errors
            }
        }
        return message.map { clip($0, to: 300) }
    }

    /// The text of a `content` field: a string, null, or an array of `{"type": "text", "text": …}` parts.
    private static func content(_ value: JSONValue?, endpoint: String, path: String) throws(ModelError) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case .array(let parts)?:
            var text = ""
            for part in parts {
                switch part {
                case .string(let piece): text += piece
                case .object(let object): if let piece = object["text"]?.stringValue { text += piece }
                default: break
                }
            }
            return text
        case let other?:
            throw invalid(endpoint, "\(path) is \(other.kindName), not text")
        }
    }

    private static func usage(_ value: JSONValue?) -> TokenUsage? {
        guard case .object(let usage)? = value else { return nil }
        func count(_ key: String) -> Int {
            guard let number = usage[key]?.doubleValue, number.isFinite, number >= 0, number < 1e15 else { return 0 }
            return Int(number)
        }
        var cached = 0
        if case .object(let details)? = usage["prompt_tokens_details"], let number = details["cached_tokens"]?.doubleValue,
            number.isFinite, number >= 0, number < 1e15
        {
            cached = Int(number)
        } else {
            cached = count("prompt_cache_hit_tokens")
        }
        var reasoning = 0
        if case .object(let details)? = usage["completion_tokens_details"], let number = details["reasoning_tokens"]?.doubleValue,
            number.isFinite, number >= 0, number < 1e15
        {
            reasoning = Int(number)
        }
        return TokenUsage(
            prompt: count("prompt_tokens"), completion: count("completion_tokens"), cachedPrompt: cached, reasoning: reasoning)
    }

    private static func parseObject(_ bytes: [UInt8], endpoint: String, what: String) throws(ModelError)
        -> [String: JSONValue]
    {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw invalid(endpoint, "\(what) is empty")
        }
        let value: JSONValue
        do {
            // A UTF-8 byte-order mark (some proxies and Windows servers write one) is not part of the JSON.
            value = try bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? JSONValue.parse(Array(bytes.dropFirst(3))) : JSONValue.parse(bytes)
        } catch {
            throw invalid(endpoint, "\(what) is not JSON (\(error.reason)): \(snippet(bytes))")
        }
        guard case .object(let root) = value else {
            throw invalid(endpoint, "\(what) is \(value.kindName), not an object")
        }
        // An error beside `choices` is an error too: OpenRouter sends one with the text so far when the model fails.
        if hasError(root) {
            let message = "the server sent an error: \(errorMessage(in: root) ?? "no message")"
            // A server error reported in a 200 body or mid-stream (OpenAI's and vLLM's streams do this) is as
            // passing as a 500, and retried like one.
            if isTransient(root["error"]) { throw ModelError(.server, endpoint: endpoint, message: message) }
            throw invalid(endpoint, message)
        }
        return root
    }

    /// Whether an `error` member describes a passing failure of the server (its type or code says server error,
    /// overload, unavailable or timeout, or a 5xx status) rather than a problem with the request.
    static func isTransient(_ error: JSONValue?) -> Bool {
        guard case .object(let fields)? = error else { return false }
        for key in ["code", "status"] {
            if let number = fields[key]?.doubleValue, number >= 500 && number < 600 { return true }
        }
        let words = ["type", "code"].compactMap { key -> String? in
            if case .string(let text)? = fields[key] { text.lowercased() } else { nil }
        }
        return words.contains { word in ["server", "overload", "unavailable", "timeout", "internal"].contains { word.contains($0) } }
    }

    private static func invalid(_ endpoint: String, _ message: String) -> ModelError {
        ModelError(.invalidResponse, endpoint: endpoint, message: message)
    }

    /// The start of a body for a message: control characters replaced, at most 80 characters.
    static func snippet(_ bytes: [UInt8]) -> String {
        let head = String(decoding: bytes.prefix(240), as: UTF8.self)
        let cleaned = String(String.UnicodeScalarView(head.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
        return "\"" + clip(cleaned.trimmingWhitespace, to: 80) + "\""
    }

    static func clip(_ text: String, to limit: Int = 200) -> String {
        let head = text.prefix(limit)
        guard head.endIndex < text.endIndex else { return text }
        return String(head) + "…"
    }
}
