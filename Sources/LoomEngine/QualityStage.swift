import Foundation
import LoomCore
import LoomQuality
import LoomRecipe
import LoomStore

/// What the quality stage found, for the run summary and `loom status`.
public struct QualitySummary: Sendable, Codable, Hashable {
    /// Records flagged, per flag code (a record with two codes counts under both).
    public var flags: [String: Int] = [:]
    public var exactDuplicates = 0
    public var nearDuplicates = 0
    public var overQuota = 0
    public var yesNoRemoved = 0
    public var relettered = 0
    /// Quotas the data could not fill: "type=judgement: 80 of 100".
    public var shortfalls: [String] = []
    /// Whether this invocation did the work (false: an earlier run had finished it with the same settings).
    public var ranNow = true
}

/// The quality stage (`stages.quality`), after every stage that writes records and before the exports:
///
/// 1. **validate** — sample by sample: the format validators on every record, the grounding check on
///    model-written ones, and per-sample question diversity. Resumes from the last sample committed.
/// 2. **dedup** — exact duplicates by normalized text and near-duplicates by MinHash LSH, within the same images
///    (or across the dataset). Band keys are stored as they are computed, so an interrupted dedup resumes.
/// 3. **balance** — quotas, yes/no parity and even answer letters, in one transaction.
///
/// Flags it owns (`QualityCode.prefixes`) are recomputed from scratch each time it runs; the checker's and the
/// judge's flags are kept.
struct QualityStage {
    let settings: QualitySettings
    let seed: UInt64
    let store: RunStore
    let workers: CPUWorkers
    let observer: RunObserver?
    var faults = FaultPlan()

    enum Key {
        static let settings = "quality.settings"
        static let phase = "quality.phase"
        static let cursor = "quality.validate.after"
        static let summary = "quality.summary"
    }

    enum Phase: String {
        case validate, dedup, balance, done
    }

    /// Samples per transaction of the validate pass.
    static let pageSize = 256

    func run() async throws -> QualitySummary {
        let counts = try store.recordCounts()
        let stamp = try settingsStamp(records: counts.total)
        if try store.meta(Key.settings) == stamp, try store.meta(Key.phase) == Phase.done.rawValue,
            let saved = try store.meta(Key.summary), var summary = try? JSONDecoder().decode(QualitySummary.self, from: Data(saved.utf8))
        {
            summary.ranNow = false
            return summary
        }
        if try store.meta(Key.settings) != stamp {
            let validation = String(decoding: try JSONEncoder().encode(Self.validator(settings).settings), as: UTF8.self)
            try store.commit([StoreWrite.meta([
                Key.settings: stamp, Key.phase: Phase.validate.rawValue, Key.cursor: "", ValidationSettings.metaKey: validation,
            ])])
        }
        observer?(.stageStarted(stage: .quality, total: counts.total, alreadyDone: 0))
        var summary = QualitySummary()
        let phase = Phase(rawValue: try store.meta(Key.phase) ?? "") ?? .validate
        if phase == .validate {
            try await validate(total: counts.total)
            try store.commit([StoreWrite.meta([Key.phase: Phase.dedup.rawValue])])
        }
        if phase == .validate || phase == .dedup {
            var dedup = DedupPass(settings: settings.dedup, stamp: stamp, store: store, workers: workers)
            dedup.stopAfterPages = faults.crashInDedupAfterPages
            if let size = faults.dedupPageSize { dedup.pageSize = size }
            try await dedup.run(into: &summary)
            try store.commit([StoreWrite.meta([Key.phase: Phase.balance.rawValue])])
        }
        try await BalancePass(settings: settings.balance, seed: seed, store: store, workers: workers).run(into: &summary)
        summary.flags = try flagCounts()
        let encoded = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        try store.commit([StoreWrite.meta([Key.phase: Phase.done.rawValue, Key.summary: encoded])])
        observer?(.stageFinished(stage: .quality, done: counts.total, failed: 0))
        return summary
    }

    /// The settings and the record count: the stage runs again when either changes.
    private func settingsStamp(records: Int) throws -> String {
        try Self.settingsStamp(settings, seed: seed, records: records)
    }

    /// The stamp a quality stage with these settings stores (`Key.settings`), for `StoredValidation` too.
    static func settingsStamp(_ settings: QualitySettings, seed: UInt64, records: Int) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var hasher = ContentHasher()
        hasher.add("quality-v1")
        hasher.add(String(decoding: try encoder.encode(settings), as: UTF8.self))
        hasher.add(String(seed))
        hasher.add(String(records))
        return hasher.finalize()
    }

    /// Pass 1: validators, grounding and per-sample diversity, a page of samples per transaction.
    private func validate(total: Int) async throws {
        let validator = Self.validator(settings)
        let grounding = settings.groundingThreshold.map { GroundingCheck(threshold: $0) }
        let perSample = settings.dedup.perSample
        let evidence = QualityEvidence(store: store)
        let store = store
        var cursor = try store.meta(Key.cursor).flatMap { $0.isEmpty ? nil : $0 }
        var seen = 0
        while true {
            let after = cursor
            let page = try await workers.run { () throws -> (last: String?, records: Int, write: StoreWrite) in
                let sampleIDs = try store.sampleIDs(after: after, limit: Self.pageSize)
                let grouped = try store.storedRecords(ofSamples: sampleIDs)
                // Decoding and reviewing are spread over the cores; each slot is written by one thread only.
                let results = UnsafeSendableSlots<Result<[Record], any Error>>(count: sampleIDs.count)
                DispatchQueue.concurrentPerform(iterations: sampleIDs.count) { index in
                    results[index] = Result {
                        let stored = grouped[sampleIDs[index]] ?? []
                        let read = try stored.map { try $0.recordForReview() }
                        let updated = try Self.review(
                            read.map(\.record), hasChecks: read.map(\.hasChecks), sampleID: sampleIDs[index], validator: validator,
                            grounding: grounding, perSample: perSample, evidence: evidence)
                        // Only records whose flags change are written, read again in full (checks included).
                        return try zip(stored, zip(read, updated)).compactMap { stored, pair -> Record? in
                            guard pair.0.record.flags != pair.1.flags else { return nil }
                            var full = try stored.record()
                            full.flags = pair.1.flags
                            return full
                        }
                    }
                }
                var changed: [Record] = []
                for result in results.values { changed += try result!.get() }
                let count = grouped.values.reduce(0) { $0 + $1.count }
                let last = sampleIDs.last
                return (last, count, StoreWrite(records: changed))
            }
            guard let last = page.last else { break }
            var write = page.write
            write.meta = [Key.cursor: last]
            try store.commit([write])
            cursor = last
            seen += page.records
            observer?(.progressed(stage: .quality, done: seen, failed: 0, records: 0))
        }
    }

    /// One sample's records with their quality flags recomputed.
    ///
    /// - Parameter hasChecks: per record, whether it has answer checks (records read without their checks pass
    ///   this); nil reads it from the records.
    static func review(
        _ records: [Record], hasChecks: [Bool]? = nil, sampleID: String, validator: RecordValidator, grounding: GroundingCheck?,
        perSample: Bool, evidence: QualityEvidence
    ) throws -> [Record] {
        var lazyEvidence: GroundingEvidence?
        let checked = hasChecks ?? records.map { !$0.checks.isEmpty }
        var reviewed = try zip(records, checked).map { record, isChecked -> Record in
            var updated = record
            updated.flags = record.flags.filter { !QualityCode.isQualityCode($0.code) }
            // A translation was checked as it was made (`TranslationCheck`, its language) against its source,
            // which went through this stage. The validators' rules that read English ("image 1" references,
            // word counts for lengths, evidence to ground answers in) would flag good translations.
            // Its language-neutral problems (text safety, placeholders, repeated options) are flagged all the same.
            if record.provenance.generator == ValidationSettings.translationGenerator {
                updated.flags += validator.languageNeutralFlags(for: record)
                return updated
            }
            let format = validator.flags(for: record)
            updated.flags += format
            // Answers the checker verified against ground truth need no grounding check; model-written ones do.
            // Imported records come with no evidence Loom could check them against.
            if let grounding, !isChecked, record.provenance.generator != ValidationSettings.importedGenerator, !format.contains(where: { $0.code == QualityCode.oversized }) {
                // The sample (often large: a scene's whole truth) is read only when an answer needs grounding.
                if lazyEvidence == nil { lazyEvidence = try evidence.evidence(forSample: sampleID) }
                var question = ""
                for (index, turn) in record.turns.enumerated() {
                    if turn.role == .user { question = turn.text; continue }
                    let finding = grounding.examine(answer: turn.text, question: question, evidence: lazyEvidence!)
                    updated.flags += grounding.flags(for: finding, turn: index)
                }
            }
            return updated
        }
        if perSample {
            let repeats = QuestionDiversity.repeats(in: reviewed) { $0.flags.isEmpty }
            for (index, earlier) in repeats.enumerated() {
                guard let earlier else { continue }
                reviewed[index].flags.append(QualityFlag(
                    code: QualityCode.sameQuestion, reason: "record \(earlier) of the same sample asks the same question"))
            }
        }
        return reviewed
    }

    /// The validators with the recipe's length bounds and turn size (the translate stage checks with them too).
    static func validator(_ settings: QualitySettings) -> RecordValidator {
        var bounds = ValidationSettings.defaultLengthBounds
        for (type, value) in settings.lengths { bounds[type] = LengthBounds(minWords: value.min, maxWords: value.max) }
        return RecordValidator(settings: ValidationSettings(lengthBounds: bounds, maxTurnBytes: settings.maxTurnBytes))
    }

    /// Records per flag code over the whole store.
    private func flagCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try store.forEachFlaggedRecordFlags { codes in
            for code in Set(codes) { counts[code, default: 0] += 1 }
        }
        return counts
    }
}
