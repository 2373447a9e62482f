/// The shape of a sample's visual context.
public enum SampleKind: String, Codable, Sendable, CaseIterable, Hashable {
    case single, pair, set, sequence

    /// How the text refers to one medium of this kind of sample ("image 2", "frame 5").
    public var mediumNoun: String { self == .sequence ? "frame" : "image" }
}

/// What a medium is.
public enum MediaKind: String, Codable, Sendable, Hashable {
    case image, video, frame
}

/// One stored image (or frame), addressed by the SHA-256 of its bytes.
public struct MediaItem: Codable, Sendable, Hashable {
    /// Lower-case hex SHA-256 of the file's bytes.
    public var id: String
    public var kind: MediaKind
    /// Path relative to the run directory.
    public var path: String
    /// File format: "png" or "jpeg".
    public var format: String
    public var width: Int
    public var height: Int

    public init(id: String, kind: MediaKind, path: String, format: String, width: Int, height: Int) {
        self.id = id
        self.kind = kind
        self.path = path
        self.format = format
        self.width = width
        self.height = height
    }
}

/// The visual context of one generation: ordered media and their shared ground truth.
public struct Sample: Codable, Sendable, Hashable {
    /// Derived from the recipe's seed, the sample kind and its ordinal: stable across runs.
    public var id: String
    public var kind: SampleKind
    /// Position among the samples of its kind, from 0.
    public var ordinal: Int
    public var media: [String]
    public var truth: SampleTruth

    public init(id: String, kind: SampleKind, ordinal: Int, media: [String], truth: SampleTruth) {
        self.id = id
        self.kind = kind
        self.ordinal = ordinal
        self.media = media
        self.truth = truth
    }
}
