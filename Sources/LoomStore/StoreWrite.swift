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
    /// Media kept as hard links to the user's files, with the files' stamps when their bytes were last seen to be
    /// their ids' (a later stamp replaces an earlier one).
    public var linkedMedia: [LinkedMediumStamp] = []
    /// Stored records whose content this write replaces (an imported row changed since): what was judged,
    /// deduplicated, reviewed or linked about them goes first, in the same transaction, and their review passes
    /// and versions are filed away (`RunStore.archivedKey`), so the new content starts unreviewed.
    public var resetRecords: [String] = []
    /// Meta keys to set in the same transaction (a stage's progress marker beside the work it marks).
    public var meta: [String: String] = [:]
    /// The rows the store writes for `samples` and `records`, once `encode()` has made them.
    var encoded: Encoded?

    /// How many records the write holds, before or after `encode()`.
    public var recordCount: Int { encoded?.records.count ?? records.count }

    /// Samples and records as the store's rows: every column, their JSON included.
    struct Encoded: Sendable {
        var samples: [EncodedSample]
        var records: [EncodedRecord]
    }

    /// A `samples` row.
    struct EncodedSample: Sendable {
        var id: String
        var kind: String
        var ordinal: Int
        /// The sample's `SampleOrderKey`, for the `orphans` update of records stored before it.
        var orderKey: Int
        var body: String
        /// The row's item in the content digest of `samples` (`ContentDigests`).
        var digest: MultisetDigest.Item
    }

    /// A `records` row.
    struct EncodedRecord: Sendable {
        var id: String
        var sampleID: String
        var type: String
        var domain: String
        var skill: String?
        var language: String
        var mediaCount: Int
        var flagged: Bool
        /// Media ids joined by commas (the `media_ids` column).
        var mediaIDs: String
        var shareGPT: String
        /// `Record.detailsJSON`: what no other column holds (see `StoredRecord`).
        var body: String
        /// The order key of the record's sample when the sample is in the same write; else the store looks it up.
        var sampleOrder: Int?
        /// The row's item in the content digest of `records` (`ContentDigests`): its `StoredRecord.columns`.
        var digest: MultisetDigest.Item
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

    /// Turns samples and records into the rows the store writes, on the caller's thread, and lets go of them:
    /// afterwards `samples` and `records` are empty (`recordCount` still counts the records). Optional:
    /// `RunStore.commit` encodes whatever was not.
    ///
    /// A producer calls it so that the single writer thread neither encodes the JSON nor frees the samples'
    /// scenes and the records (copying records out of the write and freeing them was a tenth of its time).
    public mutating func encode() {
        guard encoded == nil else { return }
        let orderKeys = samples.map { (id: $0.id, key: SampleOrderKey.key(kind: $0.kind, ordinal: $0.ordinal)) }
        encoded = Encoded(
            samples: zip(samples, orderKeys).map { sample, order in
                let body = sample.canonicalJSON
                return EncodedSample(
                    id: sample.id, kind: sample.kind.rawValue, ordinal: sample.ordinal, orderKey: order.key,
                    body: body, digest: MultisetDigest.Item(text: body))
            },
            records: records.map { record in
                let (type, domain, skill) = (record.type.rawValue, record.domain.rawValue, record.skill?.rawValue)
                let (mediaIDs, shareGPT, body) = (record.media.joined(separator: ","), record.shareGPTJSON, record.detailsJSON)
                return EncodedRecord(
                    id: record.id, sampleID: record.sampleID, type: type, domain: domain, skill: skill,
                    language: record.language, mediaCount: record.media.count, flagged: !record.flags.isEmpty,
                    mediaIDs: mediaIDs, shareGPT: shareGPT, body: body,
                    sampleOrder: orderKeys.first { $0.id == record.sampleID }?.key,
                    // In the order of `StoredRecord.columns`.
                    digest: MultisetDigest.Item(texts: [
                        record.id, record.sampleID, mediaIDs, shareGPT, type, domain, skill, record.language, body,
                    ]))
            })
        samples = []
        records = []
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
