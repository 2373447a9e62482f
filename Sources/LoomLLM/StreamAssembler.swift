/// Joins a streamed chat completion into one reply: body bytes go in as they arrive, through `SSEParser` and
/// `CompletionDecoder`, and `finish()` gives the whole reply, or says how the stream broke.
///
/// The client returns nothing before the stream is complete, so a broken stream can be retried as a whole.
public struct StreamAssembler: Sendable {
    private var parser = SSEParser()
    private var text = ""
    /// Characters of reasoning deltas, counted, not kept.
    private var reasoning = 0
    /// Refusal deltas, joined.
    private var refusal = ""
    /// Whether any event held a choice: a stream of `[DONE]` alone carried no completion.
    private var sawChoice = false
    private var finishReason: String?
    private var usage: TokenUsage?
    private var model: String?
    private var sawDone = false
    private var failure: ModelError?
    /// The endpoint's name, for errors.
    public let endpoint: String

    /// An assembler at the start of a stream.
    public init(endpoint: String) {
        self.endpoint = endpoint
    }

    /// True once `data: [DONE]` has been read.
    public var isDone: Bool { sawDone }

    /// Reads the next bytes of the body.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !sawDone else { return }
        var events: [SSEEvent] = []
        parser.feed(bytes) { events.append($0) }
        for event in events { take(event) }
    }

    /// Reads the next bytes of the body.
    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    private mutating func take(_ event: SSEEvent) {
        guard failure == nil, !sawDone else { return }
        if event.event == "error" {
            failure = CompletionDecoder.streamError(event.data, endpoint: endpoint)
            return
        }
        do {
            let chunk = try CompletionDecoder.decodeStreamEvent(event.data, endpoint: endpoint)
            if chunk.isDone {
                sawDone = true
                return
            }
            if let content = chunk.content { text += content }
            if let piece = chunk.refusal, refusal.utf8.count < 4096 { refusal += piece }
            if chunk.hasChoice { sawChoice = true }
            reasoning += chunk.reasoningCharacters
            if let reason = chunk.finishReason { finishReason = reason }
            if let chunkUsage = chunk.usage { usage = chunkUsage }
            if let chunkModel = chunk.model { model = chunkModel }
        } catch {
            failure = error
        }
    }

    /// Ends the body. Returns the reply when the stream ended properly (`[DONE]` or a finish reason was seen);
    /// throws `.invalidResponse` when an event was not a chunk or the server sent an error, and a broken-stream error
    /// (see `isBrokenStream`) when it stopped early.
    public mutating func finish() throws(ModelError) -> ChatReply {
        parser.finish()
        if let failure { throw failure }
        guard sawDone || finishReason != nil else {
            throw ModelError(.invalidResponse, endpoint: endpoint, message: StreamAssembler.brokenStreamMessage)
        }
        guard sawChoice || !text.isEmpty else {
            // Not an empty reply, which would be kept (and cached) as the model's answer.
            throw ModelError(.invalidResponse, endpoint: endpoint, message: "the stream ended with [DONE] but carried no completion")
        }
        let refused = text.isEmpty && !refusal.isEmpty ? CompletionDecoder.clip(refusal) : nil
        var reply = ChatReply(
            text: text, finishReason: finishReason, usage: usage ?? TokenUsage(), model: model, refusal: refused)
        if usage == nil { reply.usageEstimated = true }
        if reasoning > 0 { reply.reasoningCharacters = reasoning }
        return reply
    }

    /// The message of the error a stream that ends without `[DONE]` and without a finish reason gives.
    public static let brokenStreamMessage =
        "the stream broke off before [DONE] or a finish reason (the server's log may say why)"

    /// Whether `error` is the one `finish()` throws for a stream that broke off (worth a retry).
    public static func isBrokenStream(_ error: ModelError) -> Bool {
        error.kind == .invalidResponse && error.message == brokenStreamMessage
    }
}
