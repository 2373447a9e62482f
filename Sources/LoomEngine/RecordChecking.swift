import LoomCheck
import LoomCore
import LoomRecipe

/// The check stage as every sample maker applies it: the independent checker's flags on each record, and under
/// `stages.check.on_disagreement: fail` a stop at the first disagreement.
enum RecordChecking {
    static func check(_ records: inout [Record], truth: SampleTruth, policy: CheckSettings.OnDisagreement) throws {
        for index in records.indices {
            records[index].flags = AnswerChecker.check(records[index], truth: truth)
        }
        if policy == .fail, let bad = records.first(where: { !$0.flags.isEmpty }) {
            throw LoomError(
                .check, bad.flags.map(\.reason).joined(separator: "; ") + " (stages.check.on_disagreement is 'fail')",
                subject: "record \(bad.id)")
        }
    }
}
