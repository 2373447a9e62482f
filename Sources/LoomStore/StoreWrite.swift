import LoomCore

/// What one finished piece of work writes: its results and its ledger rows, committed together.
public struct StoreWrite: Sendable {
    public var media: [MediaItem]
    public var samples: [Sample]
    public var records: [Record]
    public var ledger: [LedgerEntry]
    /// Ingested images, the files they were found as, and input that was rejected.
    public var images: [IngestedImage] = []
    public var files: [IngestedFile] = []
    public var rejections: [Rejection] = []
    /// Annotations to add to images already stored: an exact copy of an image, found again in a source that
    /// annotates it.
    public var annotationMerges: [AnnotationMerge] = []
    /// What model stages wrote besides records: captions, judge verdicts, and the raw text of replies that
    /// could not be used.
    public var captions: [GeneratedCaption] = []
    public var verdicts: [RecordVerdict] = []
    public var rawReplies: [RawReply] = []
    /// The video each video sample was taken from: sample id → the video's medium id.
    public var sampleVideos: [String: String] = [:]
    /// Meta keys to set in the same transaction (a stage's progress marker beside the work it marks).
    public var meta: [String: String] = [:]
    /// The JSON the store keeps, once `encode()` has run (on the producer's thread, so that the single
    /// writer does not serialize the encoding work).
    var encoded: Encoded?

    struct Encoded: Sendable {
        var samples: [String]
        /// Each record's JSON, its ShareGPT conversation and its media ids joined by commas (the `media_ids`
        /// column).
        var records: [(body: String, shareGPT: String, mediaIDs: String)]
    }

    public init(
        media: [MediaItem] = [], samples: [Sample] = [], records: [Record] = [], ledger: [LedgerEntry] = [],
        images: [IngestedImage] = [], files: [IngestedFile] = [], rejections: [Rejection] = []
    ) {
        self.images = images
        self.files = files
        self.rejections = rejections
        self.media = media
        self.samples = samples
        self.records = records
        self.ledger = ledger
    }

    /// A write that only sets meta keys.
    public static func meta(_ values: [String: String]) -> StoreWrite {
        var write = StoreWrite()
        write.meta = values
        return write
    }

    /// Encodes samples and records now. Optional: `RunStore.commit` encodes whatever was not.
    public mutating func encode() {
        guard encoded == nil else { return }
        encoded = Encoded(
            samples: samples.map(\.canonicalJSON),
            records: records.map { ($0.canonicalJSON, $0.shareGPTJSON, $0.media.joined(separator: ",")) })
    }
}

/// Annotations that another source gives an image already ingested.
public struct AnnotationMerge: Sendable, Hashable {
    public var imageID: String
    public var annotations: ImageAnnotations

    public init(imageID: String, annotations: ImageAnnotations) {
        self.imageID = imageID
        self.annotations = annotations
    }
}

/// One row of the ledger: the state of one item in one stage.
public struct LedgerEntry: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        case done, failed
    }

    public var item: String
    public var stage: String
    public var status: Status
    /// Why the item failed, for failed rows.
    public var error: String?

    public init(item: String, stage: String, status: Status, error: String? = nil) {
        self.item = item
        self.stage = stage
        self.status = status
        self.error = error
    }
}

/// Done and failed counts of one stage.
public struct StageCounts: Sendable, Hashable, Codable {
    public var done: Int
    public var failed: Int

    public init(done: Int = 0, failed: Int = 0) {
        self.done = done
        self.failed = failed
    }
}

/// A failed item with its reason.
public struct LedgerFailure: Sendable, Hashable, Codable {
    public var item: String
    public var stage: String
    public var attempts: Int
    public var error: String
}
