import Foundation

/// How Loom asks an endpoint for structured (JSON) replies. OpenAI, vLLM, SGLang, llama.cpp's server and Ollama's
/// `/v1` take `response_format` with `json_schema` (Ollama turns it into its own `format`); some servers only
/// `json_object`; vLLM also its own `structured_outputs` (`guided_json` before 0.12).
public enum StructuredOutputMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Start with `json_schema`; step down to `json_object`, then to none, when the endpoint refuses.
    case auto
    /// `response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}`.
    case jsonSchema = "json_schema"
    /// `response_format: {"type": "json_object"}`.
    case jsonObject = "json_object"
    /// The same request as `jsonSchema`, kept for recipes that name it. Ollama's OpenAI-compatible endpoint (the
    /// one Loom posts to) has no `format` field and drops it unread; it takes the schema as `response_format`
    /// and hands it to its `format` itself.
    case ollamaFormat = "ollama_format"
    /// vLLM's `structured_outputs: {"json": schema}` extra parameter (vLLM 0.12 and later).
    case structuredOutputs = "structured_outputs"
    /// vLLM's `guided_json` extra parameter, for vLLM before 0.12: later versions accept the field and ignore it.
    case guidedJSON = "guided_json"
    /// No hint in the request; Loom's own parser does all the work.
    case none
}

/// One OpenAI-compatible endpoint: where it is, which model it serves, and how hard Loom may use it.
public struct EndpointConfiguration: Sendable, Hashable {
    /// The name recipes and messages use for it.
    public var name: String
    /// The API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`; requests go to
    /// `<baseURL>/chat/completions`.
    public var baseURL: String
    /// The model to request.
    public var model: String
    /// The bearer token, if the endpoint wants one (read by the caller from an environment variable).
    public var apiKey: String?
    /// Extra headers sent with every request.
    public var headers: [String: String]
    /// Requests in flight at the start.
    public var concurrency: Int
    /// The bounds the adaptive limit moves within.
    public var minConcurrency: Int
    public var maxConcurrency: Int
    /// Optional ceilings per minute.
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// The overall deadline of one attempt: connect, head and the whole body.
    public var timeout: TimeInterval
    /// Attempts after the first, for retryable failures.
    public var maxRetries: Int
    /// The first backoff delay and the largest one.
    public var initialBackoff: TimeInterval
    public var maxBackoff: TimeInterval
    public var structuredOutput: StructuredOutputMode
    /// Ask for a streamed reply (`stream: true`, with usage in the last chunk).
    public var stream: Bool

    public init(
        name: String, baseURL: String, model: String, apiKey: String? = nil, headers: [String: String] = [:],
        concurrency: Int = 16, minConcurrency: Int = 1, maxConcurrency: Int? = nil, requestsPerMinute: Int? = nil,
        tokensPerMinute: Int? = nil, timeout: TimeInterval = 120, maxRetries: Int = 6, initialBackoff: TimeInterval = 0.5,
        maxBackoff: TimeInterval = 60, structuredOutput: StructuredOutputMode = .auto, stream: Bool = false
    ) {
        self.name = name
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.headers = headers
        self.concurrency = max(1, concurrency)
        self.minConcurrency = max(1, min(minConcurrency, concurrency))
        self.maxConcurrency = max(concurrency, maxConcurrency ?? concurrency * 4)
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.structuredOutput = structuredOutput
        self.stream = stream
    }
}
