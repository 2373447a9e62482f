import LoomCore
import LoomStore

/// Everything the review screen shows about one record.
public struct ReviewRecordView: Sendable {
    public var record: LoomCore.Record
    public var state: ReviewState
    /// The visual context it was generated from (nil for imported records without one).
    public var sample: Sample?
    /// The record's media in the order its text numbers them; nil where the store lacks the medium.
    public var media: [MediaItem?]
    /// Model captions of its images, by media id (what caption-based stages generated from).
    public var captions: [String: String]
    /// The model judge's verdict, if a judge ran.
    public var verdict: RecordVerdict?
    public var passes: [ReviewPass]
    /// The audit trail (empty until the first edit).
    public var versions: [RecordVersion]
    /// The acceptance checks for the record's domain.
    public var checklist: [String]
}
