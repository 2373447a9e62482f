import Foundation
import LoomCore
import LoomStore

/// Where a run stands: per stage, how many items are done, failed and still pending.
public struct RunStatus: Sendable, Codable {
    public struct StageLine: Sendable, Codable {
        public var stage: String
        public var done: Int
        public var failed: Int
        public var pending: Int
    }

    public var runDirectory: String
    public var recipe: String?
    public var stages: [StageLine]
    public var records: Int
    public var flaggedRecords: Int
    public var failures: [LedgerFailure]

    /// Reads the status of the run in `directory`.
    public static func load(_ directory: RunDirectory) throws -> RunStatus {
        let store = directory.store
        let planned = Int(try store.meta(RunDirectory.Key.plannedSamples) ?? "0") ?? 0
        let counts = try store.stageCounts()
        var lines: [StageLine] = []
        for stage in [Stage.render, .generate, .check] {
            let c = counts[stage.rawValue] ?? StageCounts()
            lines.append(StageLine(stage: stage.rawValue, done: c.done, failed: c.failed, pending: max(0, planned - c.done - c.failed)))
        }
        let exports = counts[Stage.export.rawValue] ?? StageCounts()
        lines.append(StageLine(stage: Stage.export.rawValue, done: exports.done, failed: exports.failed, pending: 0))
        let records = try store.recordCounts()
        return RunStatus(
            runDirectory: directory.url.path, recipe: try store.meta(RunDirectory.Key.recipeName), stages: lines,
            records: records.total, flaggedRecords: records.flagged, failures: try store.failures())
    }
}
