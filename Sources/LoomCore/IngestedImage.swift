/// An image of the user's collection as the ingest stage left it: identified by its bytes, measured, hashed,
/// normalized for the model and annotated with what its source said.
public struct IngestedImage: Codable, Sendable, Hashable {
    /// SHA-256 of the original file's bytes (hex): files with the same bytes are one image.
    public var id: String
    /// Position of its first file in the run's source order (sources as listed, files in walk order).
    public var ordinal: Int
    /// The first path it was found at, printable.
    public var sourcePath: String
    /// Which source offered it, e.g. "folder photos/" or "manifest data.jsonl:12".
    public var origin: String
    /// The original file's format ("jpeg", "png", "webp").
    public var format: String
    /// The original's size as displayed (after EXIF orientation).
    public var width: Int
    public var height: Int
    /// 64-bit DCT perceptual hash.
    public var perceptualHash: UInt64
    /// The earlier image this one nearly duplicates (perceptual hashes within the recipe's distance), if any.
    public var duplicateOf: String?
    /// Run-relative path of the thumbnail for the review app.
    public var thumbnail: String
    public var annotations: ImageAnnotations

    public init(
        id: String, ordinal: Int, sourcePath: String, origin: String, format: String, width: Int, height: Int,
        perceptualHash: UInt64, duplicateOf: String?, thumbnail: String, annotations: ImageAnnotations
    ) {
        self.id = id
        self.ordinal = ordinal
        self.sourcePath = sourcePath
        self.origin = origin
        self.format = format
        self.width = width
        self.height = height
        self.perceptualHash = perceptualHash
        self.duplicateOf = duplicateOf
        self.thumbnail = thumbnail
        self.annotations = annotations
    }
}

/// Input a stage could not use: which file or record, why, and a short category to group by.
public struct Rejection: Codable, Sendable, Hashable {
    /// A printable path, or "file:line" for a record of a manifest.
    public var subject: String
    public var stage: String
    /// A short group name, e.g. "unsupported format" or "corrupt or truncated image": a `RejectionKind`'s
    /// display name. A string, so that the store and `loom status` read it without knowing the kinds.
    public var category: String
    public var reason: String

    public init(subject: String, stage: String, category: String, reason: String) {
        self.subject = subject
        self.stage = stage
        self.category = category
        self.reason = reason
    }

    /// A rejection grouped under `kind`'s display name.
    public init(subject: String, stage: String, kind: RejectionKind, reason: String) {
        self.init(subject: subject, stage: stage, category: kind.category, reason: reason)
    }

    /// The kind whose display name `category` is; nil for a category no kind has (written by other code).
    public var kind: RejectionKind? { RejectionKind(rawValue: category) }
}

/// One file path that was ingested, and the image its bytes are.
public struct IngestedFile: Codable, Sendable, Hashable {
    public var path: String
    public var imageID: String
    public var ordinal: Int
    /// The file's size in bytes and modification time (nanoseconds since 1970) when it was ingested: a resumed run
    /// ingests a file again when they differ. Nil when unknown (stores made before they were kept).
    public var size: Int64?
    public var modified: Int64?
    /// Whether the notes an earlier ingest recorded for the file stay: true for a file only touched since (the same
    /// content, another modification time); otherwise writing the file clears them, and the write adds its own.
    public var keepsNotes: Bool

    public init(path: String, imageID: String, ordinal: Int, size: Int64? = nil, modified: Int64? = nil, keepsNotes: Bool = false) {
        self.path = path
        self.imageID = imageID
        self.ordinal = ordinal
        self.size = size
        self.modified = modified
        self.keepsNotes = keepsNotes
    }
}
