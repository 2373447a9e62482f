import LoomCore

/// Token counts the mock reports in `usage`.
public struct MockUsage: Sendable, Hashable {
    /// `usage.prompt_tokens`.
    public var prompt: Int
    /// `usage.completion_tokens`.
    public var completion: Int

    /// Usage with these counts.
    public init(prompt: Int = 0, completion: Int = 0) {
        self.prompt = prompt
        self.completion = completion
    }
}

/// What the mock server answers to one request.
public indirect enum MockResponse: Sendable {
    /// A 200 `chat.completion` with this text; sent as server-sent events (small writes, CRLF line ends split
    /// across writes, `data: [DONE]` at the end) when the request asked for `stream: true`.
    case completion(text: String, usage: MockUsage = MockUsage(prompt: 12, completion: 7), finishReason: String? = "stop")
    /// A status with a body (JSON `content-type` when the body looks like JSON) and extra headers, e.g. a 429 with
    /// `Retry-After`.
    case status(Int, body: String = "", headers: [(String, String)] = [])
    /// Exactly these status, headers and body.
    case raw(status: Int, headers: [(String, String)], body: String)
    /// Exactly these status, headers and body bytes (a gzip-compressed body, say).
    case rawBytes(status: Int, headers: [(String, String)], body: [UInt8])
    /// A 200 head and the start of a body, then nothing, ever: only the client's own deadline ends it.
    case hangBody
    /// Stream events with this text that end cleanly without a finish reason or `[DONE]`, then the connection
    /// closes.
    case truncatedStream(text: String)
    /// A `stream: true` completion with this text whose writes come `interval` seconds apart: a slow model
    /// generating token by token.
    case slowStream(text: String, interval: Double)
    /// The response after a delay, scheduled on the event loop (no thread waits).
    case delayed(seconds: Double, MockResponse)
    /// The connection closes without any answer.
    case closeConnection

    /// An OpenAI-style error: `{"error": {"message", "type", "param": null, "code"}}` with this status.
    public static func error(
        status: Int, message: String, type: String = "invalid_request_error", code: String? = nil,
        headers: [(String, String)] = []
    ) -> MockResponse {
        var body: [UInt8] = []
        body.append(contentsOf: #"{"error":{"message":"#.utf8)
        JSONText.appendQuoted(message, to: &body)
        body.append(contentsOf: #","type":"#.utf8)
        JSONText.appendQuoted(type, to: &body)
        body.append(contentsOf: #","param":null,"code":"#.utf8)
        if let code { JSONText.appendQuoted(code, to: &body) } else { body.append(contentsOf: "null".utf8) }
        body.append(contentsOf: "}}".utf8)
        return .status(status, body: String(decoding: body, as: UTF8.self), headers: headers)
    }
}

/// The bytes of completion bodies and stream events, as OpenAI writes them.
enum CompletionBytes {
    static func completion(text: String, usage: MockUsage, finishReason: String?, model: String, id: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 320)
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONText.appendQuoted(id, to: &out)
        out.append(contentsOf: #","object":"chat.completion","created":1700000000,"model":"#.utf8)
        JSONText.appendQuoted(model, to: &out)
        out.append(contentsOf: #","choices":[{"index":0,"message":{"role":"assistant","content":"#.utf8)
        JSONText.appendQuoted(text, to: &out)
        out.append(contentsOf: #"},"logprobs":null,"finish_reason":"#.utf8)
        appendOptional(finishReason, to: &out)
        out.append(contentsOf: #"}],"usage":"#.utf8)
        appendUsage(usage, to: &out)
        out.append(0x7D)
        return out
    }

    /// The whole event stream of a completion: a comment, a role chunk, content chunks, the finish chunk, a usage
    /// chunk and `[DONE]`; or, `truncated`, only the role and content chunks.
    static func stream(
        text: String, usage: MockUsage, finishReason: String?, model: String, id: String, truncated: Bool = false
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: ": mock keep-alive\r\n\r\n".utf8)
        func event(_ delta: String, finish: String?, withFinish: Bool) {
            out.append(contentsOf: #"data: {"id":"#.utf8)
            JSONText.appendQuoted(id, to: &out)
            out.append(contentsOf: #","object":"chat.completion.chunk","created":1700000000,"model":"#.utf8)
            JSONText.appendQuoted(model, to: &out)
            out.append(contentsOf: #","choices":[{"index":0,"delta":"#.utf8)
            out.append(contentsOf: delta.utf8)
            out.append(contentsOf: #","finish_reason":"#.utf8)
            appendOptional(withFinish ? finish : nil, to: &out)
            out.append(contentsOf: "}]}\r\n\r\n".utf8)
        }
        event(#"{"role":"assistant","content":""}"#, finish: nil, withFinish: false)
        for piece in pieces(of: text) {
            var delta: [UInt8] = Array(#"{"content":"#.utf8)
            JSONText.appendQuoted(piece, to: &delta)
            delta.append(0x7D)
            event(String(decoding: delta, as: UTF8.self), finish: nil, withFinish: false)
        }
        if truncated { return out }
        event("{}", finish: finishReason ?? "stop", withFinish: true)
        out.append(contentsOf: #"data: {"id":"#.utf8)
        JSONText.appendQuoted(id, to: &out)
        out.append(contentsOf: #","object":"chat.completion.chunk","created":1700000000,"model":"#.utf8)
        JSONText.appendQuoted(model, to: &out)
        out.append(contentsOf: #","choices":[],"usage":"#.utf8)
        appendUsage(usage, to: &out)
        out.append(contentsOf: "}\r\n\r\n".utf8)
        out.append(contentsOf: "data: [DONE]\r\n\r\n".utf8)
        return out
    }

    /// The text in up to four pieces, split on character boundaries.
    static func pieces(of text: String) -> [String] {
        let characters = Array(text)
        guard characters.count > 1 else { return [text] }
        let size = max(1, (characters.count + 3) / 4)
        return stride(from: 0, to: characters.count, by: size).map {
            String(characters[$0..<min($0 + size, characters.count)])
        }
    }

    /// Splits a byte stream into small writes: each event's data line is cut in its middle, and every event's
    /// closing CRLF CRLF is cut after its first CR, so a CRLF straddles two writes.
    static func writes(of bytes: [UInt8]) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var start = 0
        var index = 0
        var lineStart = 0
        while index < bytes.count {
            if bytes[index] == 0x0D {
                let lineLength = index - lineStart
                if lineLength > 8 {
                    // Cut the line in the middle.
                    let middle = lineStart + lineLength / 2
                    if middle > start {
                        chunks.append(Array(bytes[start..<middle]))
                        start = middle
                    }
                }
                if index + 2 < bytes.count && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D {
                    // The blank line that ends an event: cut between its CR and LF.
                    chunks.append(Array(bytes[start...(index + 2)]))
                    start = index + 3
                }
                lineStart = index + 2
                index += 2
                continue
            }
            index += 1
        }
        if start < bytes.count { chunks.append(Array(bytes[start...])) }
        return chunks
    }

    private static func appendOptional(_ text: String?, to out: inout [UInt8]) {
        if let text { JSONText.appendQuoted(text, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    private static func appendUsage(_ usage: MockUsage, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"prompt_tokens":"#.utf8)
        out.append(contentsOf: String(usage.prompt).utf8)
        out.append(contentsOf: #","completion_tokens":"#.utf8)
        out.append(contentsOf: String(usage.completion).utf8)
        out.append(contentsOf: #","total_tokens":"#.utf8)
        out.append(contentsOf: String(usage.prompt + usage.completion).utf8)
        out.append(0x7D)
    }
}
