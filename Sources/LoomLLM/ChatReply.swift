/// Tokens one call consumed, from the reply's `usage`.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var prompt: Int
    public var completion: Int
    /// Of `prompt`, the tokens the provider served from its prompt cache (`prompt_tokens_details.cached_tokens`;
    /// DeepSeek's `prompt_cache_hit_tokens`), which it bills at a lower price.
    public var cachedPrompt: Int
    /// Of `completion`, the tokens a reasoning model spent thinking before it answered
    /// (`completion_tokens_details.reasoning_tokens`): they count against `max_tokens` too.
    public var reasoning: Int

    public init(prompt: Int = 0, completion: Int = 0, cachedPrompt: Int = 0, reasoning: Int = 0) {
        self.prompt = prompt
        self.completion = completion
        self.cachedPrompt = min(max(0, cachedPrompt), prompt)
        self.reasoning = min(max(0, reasoning), completion)
    }

    public var total: Int { prompt + completion }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            prompt: lhs.prompt + rhs.prompt, completion: lhs.completion + rhs.completion,
            cachedPrompt: lhs.cachedPrompt + rhs.cachedPrompt, reasoning: lhs.reasoning + rhs.reasoning)
    }

    private enum CodingKeys: String, CodingKey { case prompt, completion, cachedPrompt, reasoning }

    /// Replies stored before `cachedPrompt` and `reasoning` existed decode with none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            prompt: try container.decode(Int.self, forKey: .prompt), completion: try container.decode(Int.self, forKey: .completion),
            cachedPrompt: try container.decodeIfPresent(Int.self, forKey: .cachedPrompt) ?? 0,
            reasoning: try container.decodeIfPresent(Int.self, forKey: .reasoning) ?? 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(completion, forKey: .completion)
        if cachedPrompt > 0 { try container.encode(cachedPrompt, forKey: .cachedPrompt) }
        if reasoning > 0 { try container.encode(reasoning, forKey: .reasoning) }
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
    /// The model's refusal (OpenAI's `message.refusal`), when it declined instead of answering; `text` is empty then.
    /// A refusal is a reply like any other: its tokens are paid for, counted and cached.
    public var refusal: String?
    /// True when the server reported no token usage (no `usage`, or a stream without its usage chunk) and `usage` is
    /// Loom's estimate from the request and the text (`OpenAIClient`); nil when the server reported it.
    public var usageEstimated: Bool?
    /// Characters of reasoning the server split off from the answer (`reasoning_content`, or `reasoning`); nil when
    /// it sent none. Only counted: the answer is `text`, and an empty one beside reasoning says why it is empty.
    public var reasoningCharacters: Int?

    public init(
        text: String, finishReason: String? = nil, usage: TokenUsage = TokenUsage(), model: String? = nil, cached: Bool = false,
        refusal: String? = nil
    ) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
        self.cached = cached
        self.refusal = refusal
    }
}
