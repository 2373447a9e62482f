/// The sampling parameters of one stage's requests.
public struct SamplingSettings: Sendable, Hashable, Codable {
    public var temperature: Double?
    public var maxTokens: Int?

    public init(temperature: Double? = nil, maxTokens: Int? = nil) {
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}
