import LoomCore
import LoomStore

/// Everything the review screen shows about one record: what the store holds, and the checks for its domain.
public struct ReviewRecordView: Sendable {
    public var parts: ReviewRecordParts
    /// The acceptance checks for the record's domain.
    public var checklist: [String]

    public var record: LoomCore.Record { parts.record }
    public var state: ReviewState { parts.state }
    public var sampleKind: SampleKind? { parts.sampleKind }
    public var annotations: String? { parts.annotations }
    public var media: [MediaItem?] { parts.media }
    public var captions: [String: String] { parts.captions }
    public var verdict: RecordVerdict? { parts.verdict }
    public var passes: [ReviewPass] { parts.passes }
    public var versions: [RecordVersion] { parts.versions }
}
