/// Tokens one call consumed, from the reply's `usage`.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var prompt: Int
    public var completion: Int

    public init(prompt: Int = 0, completion: Int = 0) {
        self.prompt = prompt
        self.completion = completion
    }

    public var total: Int { prompt + completion }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(prompt: lhs.prompt + rhs.prompt, completion: lhs.completion + rhs.completion)
    }
}

/// What a model answered to one request.
public struct ChatReply: Sendable, Hashable, Codable {
    /// The assistant message's text (for streams, the deltas joined).
    public var text: String
    /// `stop`, `length`, `content_filter`, … as the server said; nil when it said nothing.
    public var finishReason: String?
    public var usage: TokenUsage
    /// The model name the server reports.
    public var model: String?
    /// True when the reply came from the response cache rather than the endpoint (nothing was paid for it).
    public var cached: Bool

    public init(text: String, finishReason: String? = nil, usage: TokenUsage = TokenUsage(), model: String? = nil, cached: Bool = false) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
        self.cached = cached
    }
}
