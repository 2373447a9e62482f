import Foundation
import LoomCore
import LoomExport
import LoomStore

/// Where a run stands: per stage, how many items are done, failed and still pending.
public struct RunStatus: Sendable, Codable {
    public struct StageLine: Sendable, Codable {
        public var stage: String
        public var done: Int
        public var failed: Int
        public var pending: Int
        /// For a model stage the recipe names: false until it has started (its items are planned from what the
        /// stages before it made). Nil for the other stages.
        public var started: Bool?
    }

    public var runDirectory: String
    public var recipe: String?
    public var stages: [StageLine]
    public var records: Int
    public var flaggedRecords: Int
    public var failures: [LedgerFailure]
    /// Ingested images, for recipes with collections.
    public var images: ImageCounts?
    /// Input that was rejected or used with a note, grouped by category (largest first), with examples.
    public var inputProblems: [ProblemGroup]
    /// What the model stages paid, per stage, over every invocation.
    public var spend: [StageSpend] = []
    /// MMInstruct's cost figures: everything paid, per distinct image and per model-written record.
    public var cost: CostFigures?
    /// The recipe's `cost_limit` in dollars as of the run's last invocation; nil when it had none.
    public var costLimit: Double?
    /// The process of a run (or import, or mix) writing to the directory now (`RunLock`); nil when none is.
    public var workingProcess: Int32?

    /// MMInstruct's cost figures (kept under this name for `loom status --json`; the store computes them).
    public typealias CostFigures = RunCost

    public struct ImageCounts: Sendable, Codable {
        public var images: Int
        public var nearDuplicates: Int
        public var files: Int
    }

    public struct ProblemGroup: Sendable, Codable {
        public var category: String
        public var count: Int
        /// The first few, in path order.
        public var examples: [Rejection]
    }

    /// How many examples each problem group shows.
    public static let examplesPerGroup = 5

    /// Reads the status of the run in `directory`.
    /// - Parameter examples: how many problems each group lists (`examplesPerGroup` by default; nil lists all).
    public static func load(_ directory: RunDirectory, examples: Int? = examplesPerGroup) throws -> RunStatus {
        let store = directory.store
        let planned = Int(try store.meta(RunDirectory.Key.plannedSamples) ?? "0") ?? 0
        let counts = try store.stageCounts()
        var lines: [StageLine] = []
        // A source's entries that named no usable file (a manifest line, a missing path) failed without a ledger
        // row; they count as the progress line counted them.
        let failures = RejectionKind.allCases.filter { !$0.isNote }
        for stage in [Stage.ingest, .video] {
            // A video's annotation problems (a bad segment, an unusable annotation file) leave its video ingested.
            let counted = stage == .video ? failures.filter { $0 != .badVideoAnnotation && $0 != .unusableSource } : failures
            let unlisted = try store.rejectedWithoutLedgerRow(stage: stage.rawValue, categories: counted.map(\.category))
            guard counts[stage.rawValue] != nil || unlisted > 0 else { continue }
            let c = counts[stage.rawValue] ?? StageCounts()
            lines.append(StageLine(stage: stage.rawValue, done: c.done, failed: c.failed + unlisted, pending: 0))
        }
        if let plannedAnnotated = Int(try store.meta(RunDirectory.Key.plannedAnnotatedSamples) ?? ""), plannedAnnotated > 0 {
            let c = counts[Stage.ground.rawValue] ?? StageCounts()
            lines.append(StageLine(
                stage: Stage.ground.rawValue, done: c.done, failed: c.failed, pending: max(0, plannedAnnotated - c.done - c.failed)))
        }
        for stage in [Stage.render, .generate, .check] where planned > 0 || counts[stage.rawValue] != nil {
            let c = counts[stage.rawValue] ?? StageCounts()
            lines.append(StageLine(stage: stage.rawValue, done: c.done, failed: c.failed, pending: max(0, planned - c.done - c.failed)))
        }
        // The recipe's model stages as of its last run (a store from before Loom kept them lists those it started).
        let namedList = try store.meta(RunDirectory.Key.modelStages)
        let named = Set((namedList ?? "").split(separator: ",").map(String.init))
        for stage in Stage.modelStages {
            let planned = Int(try store.meta(RunDirectory.Key.plannedItems(stage)) ?? "")
            let listed = namedList == nil ? planned != nil : named.contains(stage.rawValue)
            guard counts[stage.rawValue] != nil || listed else { continue }
            let c = counts[stage.rawValue] ?? StageCounts()
            // Done rows of items the plan dropped stay in the ledger; only the planned ones count against the plan.
            let unplanned = Int(try store.meta(RunDirectory.Key.unplannedDone(stage)) ?? "") ?? 0
            let donePlanned = max(0, c.done - unplanned)
            // A stage the recipe no longer names keeps its rows, but nothing is pending in it.
            let pending = namedList != nil && !named.contains(stage.rawValue) ? 0 : max(0, (planned ?? 0) - donePlanned - c.failed)
            lines.append(StageLine(
                stage: stage.rawValue, done: c.done, failed: c.failed, pending: pending,
                started: counts[stage.rawValue] != nil || planned != nil))
        }
        // An export the ledger has as done counts as done only while its folder holds it finished: a later export
        // into the folder that was interrupted, or a file of it deleted, makes it pending again.
        let exportsDone = try store.doneItems(stage: Stage.export.rawValue)
        let finished = exportsDone.filter { item in
            let path = item.split(separator: ":", maxSplits: 1).last.map(String.init) ?? item
            return ExportWriter.holdsFinishedExport(
                path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.url.appendingPathComponent(path))
        }.count
        lines.append(StageLine(
            stage: Stage.export.rawValue, done: finished, failed: counts[Stage.export.rawValue]?.failed ?? 0,
            pending: exportsDone.count - finished))
        let records = try store.recordCounts()
        let images = try store.imageCounts()
        let spend = try store.spend()
        var status = RunStatus(
            runDirectory: directory.url.path, recipe: try store.meta(RunDirectory.Key.recipeName), stages: lines,
            records: records.total, flaggedRecords: records.flagged, failures: try store.failures(),
            images: images.files > 0 ? ImageCounts(images: images.images, nearDuplicates: images.nearDuplicates, files: images.files) : nil,
            inputProblems: try store.rejections().map { group in
                // Numbers in order ("rows.json[2]" before "rows.json[12]"), as a reader counts them.
                let ordered = group.items.sorted { $0.subject.compare($1.subject, options: .numeric) == .orderedAscending }
                return ProblemGroup(category: group.category, count: ordered.count, examples: Array(ordered.prefix(examples ?? .max)))
            })
        status.spend = spend
        status.cost = try store.cost()
        status.costLimit = try store.meta(RunDirectory.Key.costLimit).flatMap(Double.init)
        status.workingProcess = RunLock.holder(in: directory.url)
        return status
    }
}
