import LoomCore

/// Settings of the quality stage (`stages.quality`): validators, grounding check, deduplication and balancing.
///
/// These settings are not part of the recipe's fingerprint: changing them and running again re-runs only the
/// quality stage over the records already made.
public struct QualitySettings: Codable, Sendable, Hashable {
    /// Whether the stage runs at all.
    public var enabled: Bool = true
    /// Answer lengths in words, per question type, overriding the defaults of the validators.
    public var lengths: [QuestionType: WordBounds] = [:]
    /// A turn longer than this many bytes is flagged as oversized.
    public var maxTurnBytes: Int = 32_768
    /// The least share of a model-written answer's content words that its captions and annotations must support;
    /// nil turns the grounding check off.
    public var groundingThreshold: Double? = 0.5
    public var dedup = DedupSettings()
    public var balance = BalanceSettings()

    public init() {}
}

/// Lower and upper bounds on a length in words.
public struct WordBounds: Codable, Sendable, Hashable {
    public var min: Int?
    public var max: Int?

    public init(min: Int? = nil, max: Int? = nil) {
        self.min = min
        self.max = max
    }
}

/// How duplicates are found.
public struct DedupSettings: Codable, Sendable, Hashable {
    /// What near-duplicate texts must share to count as duplicates.
    public enum Scope: String, Codable, Sendable, Hashable, CaseIterable {
        /// The same images (or near-duplicate images by pHash): the same question about another picture is new data.
        case images
        /// Nothing: any two near-duplicate texts are duplicates, whatever they show (text-only dedup).
        case dataset
    }

    /// Records with the same normalized text over the same images.
    public var exact = true
    /// Near-duplicate texts by MinHash LSH; off when false.
    public var near = true
    public var scope: Scope = .images
    /// Estimated Jaccard similarity of word shingles from which two texts are near-duplicates.
    public var threshold: Double = 0.8
    public var permutations: Int = 128
    /// Words per shingle.
    public var shingle: Int = 3
    /// Texts with fewer words than this are compared only exactly: in a short question one changed word ("red"
    /// for "blue") is another question, however alike the shingles.
    public var minWords: Int = 30
    /// No two records of one sample may ask the same question.
    public var perSample = true

    public init() {}
}

/// Dataset-level balance: quotas per field, yes/no parity and uniform answer letters.
public struct BalanceSettings: Codable, Sendable, Hashable {
    /// The fields a quota can be set on.
    public enum Field: String, Codable, Sendable, Hashable, CaseIterable {
        case domain, type, skill, language
    }

    /// Per field, per value, how many records to keep (values not named are not limited).
    public var quotas: [Field: [String: Int]] = [:]
    /// As many "yes" as "no" judgement answers.
    public var yesNo = true
    /// The correct letters of multiple-choice records spread evenly over A–D (options are reordered).
    public var letters = true

    public init() {}

    public var hasQuotas: Bool { quotas.values.contains { !$0.isEmpty } }
}
