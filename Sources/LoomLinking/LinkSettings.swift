/// How in-context examples are chosen for records (MIMIC-IT's `rel_ins_ids`): a recipe's `stages.in_context`, or
/// `loom link`'s options.
public struct LinkSettings: Codable, Sendable, Hashable {
    /// Where a record's examples come from.
    public enum Strategy: String, Codable, Sendable, CaseIterable {
        /// Other records about the same sample (the same image, pair, set or clip).
        case siblings
        /// The records whose instructions are most similar (TF-IDF cosine).
        case text
        /// The records whose images look most alike (perceptual hashes).
        case image
    }

    public var strategy: Strategy
    /// Examples per query.
    public var k: Int
    /// With `text` and `image`: the share of records set aside as the example pool (the rest are queries).
    public var exampleShare: Double
    /// With `text` and `image`: whether a query may take examples about its own sample.
    public var sameSample: Bool
    /// Seeds which records go to the example pool.
    public var seed: UInt64

    public init(strategy: Strategy = .siblings, k: Int = 3, exampleShare: Double = 0.2, sameSample: Bool = false, seed: UInt64 = 0) {
        self.strategy = strategy
        self.k = k
        self.exampleShare = exampleShare
        self.sameSample = sameSample
        self.seed = seed
    }

    /// A short text that changes whenever the links would (stored with them, so a rerun knows if they are current).
    public var fingerprint: String {
        "\(strategy.rawValue)|k=\(k)|share=\(exampleShare)|same=\(sameSample)|seed=\(seed)"
    }
}
