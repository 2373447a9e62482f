/// A record as linking sees it.
public struct LinkItem: Sendable, Hashable {
    public var id: String
    public var sampleID: String
    public var language: String
    /// The record's instructions (its user turns, image placeholders removed).
    public var text: String
    /// Perceptual hashes of the record's images, in order (image strategy only; empty when none is known).
    public var imageHashes: [UInt64]
    /// The record's media ids. Records about the same image made by different stages (questions, Syphus, a
    /// conversation) belong to different samples; sharing a medium keeps them from being each other's examples
    /// all the same (unless `sameSample`), since the example would show the query's own image and often its answer.
    public var media: [String]

    public init(id: String, sampleID: String, language: String, text: String, imageHashes: [UInt64] = [], media: [String] = []) {
        self.id = id
        self.sampleID = sampleID
        self.language = language
        self.text = text
        self.imageHashes = imageHashes
        self.media = media
    }

    /// Whether `other` may not be this record's example when examples must come from other samples: the same
    /// sample, or a shared medium.
    func isSameSubject(as other: LinkItem) -> Bool {
        sampleID == other.sampleID || media.contains { other.media.contains($0) }
    }
}

/// One record's part in in-context training: a query with its examples (best first), or an example.
public struct InContextLink: Sendable, Hashable {
    public enum Role: String, Sendable, Codable {
        case query
        case example
    }

    public var recordID: String
    public var role: Role
    /// The examples' record ids, best first (queries only; may be fewer than asked for, or none).
    public var examples: [String]
    /// Each example's similarity (text strategy) or 1 (siblings).
    public var scores: [Double]

    public init(recordID: String, role: Role, examples: [String] = [], scores: [Double] = []) {
        self.recordID = recordID
        self.role = role
        self.examples = examples
        self.scores = scores
    }
}
