/// What a model costs, in US dollars per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    /// Input tokens served from the provider's prompt cache; nil bills them as any input.
    public var cachedInputPerMillion: Double?

    public init(inputPerMillion: Double, outputPerMillion: Double, cachedInputPerMillion: Double? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion
    }

    /// The cost of one call's tokens.
    public func cost(of usage: TokenUsage) -> Double {
        let cached = Double(usage.cachedPrompt)
        let input = (Double(usage.prompt) - cached) * inputPerMillion + cached * (cachedInputPerMillion ?? inputPerMillion)
        return (input + Double(usage.completion) * outputPerMillion) / 1_000_000
    }

    /// Free: local servers, or models without a price in the recipe.
    public static let free = ModelPrice(inputPerMillion: 0, outputPerMillion: 0)
}
