/// What a model costs, in US dollars per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of one call's tokens.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.prompt) * inputPerMillion + Double(usage.completion) * outputPerMillion) / 1_000_000
    }

    /// Free: local servers, or models without a price in the recipe.
    public static let free = ModelPrice(inputPerMillion: 0, outputPerMillion: 0)
}
