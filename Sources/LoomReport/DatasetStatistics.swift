import Foundation
import LoomStore

/// The numbers that describe a run's dataset, as `loom stats --json` prints them and the data card shows them.
///
/// Read with `DatasetStatistics.read(from:runDirectory:)`, which streams the store's records once; every field
/// is a count or a short list, so a store of any size gives a small value.
public struct DatasetStatistics: Sendable, Hashable, Codable {
    /// The version of this JSON layout; raised when a field changes meaning.
    public var version = 1
    /// The recipe's name, when known.
    public var name: String?

    /// Every record, those kept (no quality flag: what exports write) and those flagged.
    public var records = 0
    public var kept = 0
    public var flagged = 0

    /// Records per domain, question type, Mantis skill ("none" for records without one), language and sample kind
    /// ("unknown" when the sample is not stored), largest first; per media count in numeric order. Each list sums
    /// to `records`.
    public var domains: [LabelCount] = []
    public var types: [LabelCount] = []
    public var skills: [LabelCount] = []
    public var languages: [LabelCount] = []
    public var sampleKinds: [LabelCount] = []
    public var mediaCounts: [LabelCount] = []

    /// Words in each record's instruction and first answer (see `RecordText`), over all records and per type.
    public var instructionWords = LengthHistogram(lowerBounds: LengthHistogram.questionBounds)
    public var answerWords = LengthHistogram(lowerBounds: LengthHistogram.answerBounds)
    public var instructionWordsByType: [String: LengthHistogram] = [:]
    public var answerWordsByType: [String: LengthHistogram] = [:]

    /// Root verbs of the English instructions and their objects (see `InstructionVerbs`).
    public var verbs = VerbDiversity()

    /// Quality flags by code and group.
    public var flags = FlagSummary()
    /// Duplicate records and near-duplicate images.
    public var duplicates = DuplicateSummary()
    /// Input that ingest or dataset conversion rejected or used with a note, per category.
    public var rejections: [RunStore.RejectionCount] = []
    /// What the model calls cost, when there were any.
    public var cost: RunCost?

    /// A few kept records, evenly spaced in id order.
    public var samples: [SampleRecord] = []

    /// How many verbs and objects per verb the diversity analysis keeps.
    public static let topVerbs = 20
    public static let topObjectsPerVerb = 4
    /// How many sample records are chosen.
    public static let sampleCount = 12
    /// How many near-duplicate image pairs are listed.
    public static let duplicateExamples = 5

    public init() {}

    /// The statistics as JSON for scripts: pretty-printed, keys sorted.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
