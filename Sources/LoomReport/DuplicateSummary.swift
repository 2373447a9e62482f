/// What deduplication removed: records flagged as duplicates by the quality stage (`duplicate.*` codes) and
/// images that ingest marked as near-duplicates of earlier ones.
public struct DuplicateSummary: Sendable, Hashable, Codable {
    /// One near-duplicate image and the image it repeats, as source paths.
    public struct ImagePair: Sendable, Hashable, Codable {
        public var path: String
        public var duplicateOf: String
    }

    /// Records with at least one `duplicate.*` flag.
    public var records = 0
    /// Records per duplicate code.
    public var byCode: [LabelCount] = []
    /// Ingested images, and those marked as near-duplicates (left out of grounding).
    public var images = 0
    public var nearDuplicateImages = 0
    /// The first few near-duplicates in source order.
    public var examples: [ImagePair] = []

    public init() {}

    /// The prefix of the quality stage's duplicate codes.
    public static let codePrefix = "duplicate."
}
