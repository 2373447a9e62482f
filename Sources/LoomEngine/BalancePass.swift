import Foundation
import LoomCore
import LoomQuality
import LoomRecipe
import LoomStore

/// The quality stage's balance pass, over the records no earlier check flagged: quotas per domain, type, skill
/// and language met exactly where the data allows; judgement answers half yes, half no; multiple-choice answer
/// letters spread evenly (options reordered). Everything in one transaction.
struct BalancePass {
    let settings: BalanceSettings
    let seed: UInt64
    let store: RunStore
    let workers: CPUWorkers

    func run(into summary: inout QualitySummary) async throws {
        guard settings.hasQuotas || settings.yesNo || settings.letters else { return }
        let (settings, seed, store) = (settings, seed, store)
        let outcome = try await workers.run { () throws -> Outcome in
            var ids: [String] = []
            var candidates: [BalancePlanner.Candidate] = []
            var choiceIDs: [(order: UInt64, id: String, letter: Int?)] = []
            try store.forEachRecordDigest { digest in
                // Translations follow their sources: counted in no quota, and their options mirror the source's
                // letters (re-lettering one alone would break that). Only unflagged sources are translated.
                guard !digest.flagged, digest.generator != ValidationSettings.translationGenerator else { return }
                let order = DedupText.combine(seed, DedupText.hash(digest.id))
                var fields = ["domain": digest.domain, "type": digest.type, "language": digest.language]
                if let skill = digest.skill { fields["skill"] = skill }
                let judgement = digest.type == QuestionType.judgement.rawValue ? Self.yesOrNo(digest.conversation, language: digest.language) : nil
                ids.append(digest.id)
                candidates.append(BalancePlanner.Candidate(order: order, fields: fields, judgement: judgement))
                // A converted dataset's options are its own (often its images, shuffled): they keep their letters.
                if digest.type == QuestionType.multipleChoice.rawValue {
                    let movable = digest.generator != ValidationSettings.convertedGenerator
                    choiceIDs.append((order, digest.id, movable ? Self.answerLetter(digest.conversation) : nil))
                }
            }
            let quotas = Dictionary(uniqueKeysWithValues: settings.quotas.map { ($0.key.rawValue, $0.value) })
            let plan = BalancePlanner(quotas: quotas, yesNoParity: settings.yesNo).plan(candidates)
            var refusals: [String: BalancePlanner.Refusal] = [:]
            for (index, refusal) in plan.refusals.enumerated() { if let refusal { refusals[ids[index]] = refusal } }
            // Letters: as few records as possible move from letters that have too many to letters that have too few.
            let targets = settings.letters
                ? LetterBalancer.moves(choiceIDs.filter { refusals[$0.id] == nil }.map { ($0.order, $0.id, $0.letter) }) : [:]
            return Outcome(refusals: refusals, letterTargets: targets, shortfalls: plan.shortfalls)
        }
        var relettered = 0
        let touched = Set(outcome.refusals.keys).union(outcome.letterTargets.keys).sorted()
        try store.rewriteRecords(touched) { record in
            var updated = record
            updated.flags.removeAll { $0.code.hasPrefix("balance.") }
            if let refusal = outcome.refusals[record.id] {
                switch refusal {
                case .overQuota(let field, let value, let quota):
                    updated.flags.append(QualityFlag(code: QualityCode.overQuota, reason: "the quota of \(quota) records with \(field) \(value) is full"))
                case .yesNoParity(let answer, let cap):
                    updated.flags.append(QualityFlag(code: QualityCode.yesNoBalance, reason: "\(cap) \"\(answer)\" judgement answers are kept, as many as the other answer"))
                }
            } else if let target = outcome.letterTargets[record.id], let changed = LetterBalancer.relettered(updated, target: target) {
                if changed.answerKey != record.answerKey { relettered += 1 }
                updated = changed
            }
            return updated
        }
        summary.overQuota = outcome.refusals.values.filter { if case .overQuota = $0 { true } else { false } }.count
        summary.yesNoRemoved = outcome.refusals.values.filter { if case .yesNoParity = $0 { true } else { false } }.count
        summary.relettered = relettered
        summary.shortfalls = outcome.shortfalls.map { "\($0.field)=\($0.value): \($0.kept) of \($0.quota)" }
    }

    struct Outcome: Sendable {
        var refusals: [String: BalancePlanner.Refusal]
        var letterTargets: [String: Int]
        var shortfalls: [BalancePlanner.Shortfall]
    }

    /// The first assistant turn of a ShareGPT conversation.
    static func firstAnswer(_ conversation: String) -> String? {
        DedupPass.turns(of: conversation).first(where: { $0.from == "gpt" })?.value
    }

    /// The index of a bare option letter given as the first answer ("B", "B.", "(B)"), or nil.
    static func answerLetter(_ conversation: String) -> Int? {
        guard let answer = firstAnswer(conversation) else { return nil }
        let bare = answer.trimmingCharacters(in: CharacterSet(charactersIn: " \n().:"))
        return optionLetters.firstIndex(of: bare)
    }

    /// "yes" or "no" from the first answer of a ShareGPT conversation, in the record's language.
    static func yesOrNo(_ conversation: String, language: String) -> String? {
        firstAnswer(conversation).flatMap { JudgementAnswer.yesOrNo($0, language: language) }
    }
}
