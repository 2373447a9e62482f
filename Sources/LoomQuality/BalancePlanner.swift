import Foundation
import LoomCore

/// Chooses which records to keep so that quotas per field are met exactly where the data allows, judgement
/// answers are half yes and half no, and nothing depends on the order records were made in.
///
/// Candidates are visited in a seeded order (`order`, e.g. a hash of the record id and the seed); each is kept
/// when keeping it overfills no quota of its values. Yes/no parity is a quota of its own: each answer is capped at
/// what the rarer answer can reach.
public struct BalancePlanner: Sendable {
    /// Per field name, per value, how many to keep. The value "others" limits every value not named.
    public var quotas: [String: [String: Int]]
    public var yesNoParity: Bool

    public init(quotas: [String: [String: Int]], yesNoParity: Bool) {
        self.quotas = quotas
        self.yesNoParity = yesNoParity
    }

    /// One record as the planner sees it.
    public struct Candidate: Sendable {
        public var order: UInt64
        /// Field name → value, for the fields quotas may name.
        public var fields: [String: String]
        /// "yes" or "no" for judgement records, nil otherwise.
        public var judgement: String?

        public init(order: UInt64, fields: [String: String], judgement: String?) {
            self.order = order
            self.fields = fields
            self.judgement = judgement
        }
    }

    /// Why a candidate was not kept.
    public enum Refusal: Sendable, Hashable {
        case overQuota(field: String, value: String, quota: Int)
        case yesNoParity(answer: String, cap: Int)
    }

    /// A quota that the data could not fill.
    public struct Shortfall: Sendable, Hashable {
        public var field: String
        public var value: String
        public var quota: Int
        public var kept: Int
    }

    public struct Plan: Sendable {
        /// Per candidate index, why it is not kept (nil: kept).
        public var refusals: [Refusal?]
        public var shortfalls: [Shortfall]
    }

    public func plan(_ candidates: [Candidate]) -> Plan {
        let visit = candidates.indices.sorted { candidates[$0].order < candidates[$1].order }
        var parityCap: Int?
        if yesNoParity {
            // The cap is what the rarer answer reaches among candidates that the type quota would admit.
            var yes = 0, no = 0
            for candidate in candidates { if candidate.judgement == "yes" { yes += 1 } else if candidate.judgement == "no" { no += 1 } }
            var cap = min(yes, no)
            if let judgementQuota = quota(field: "type", value: "judgement") { cap = min(cap, judgementQuota / 2) }
            parityCap = cap
        }
        var kept: [String: [String: Int]] = [:]
        var answers: [String: Int] = [:]
        var refusals = [Refusal?](repeating: nil, count: candidates.count)
        for index in visit {
            let candidate = candidates[index]
            var refusal: Refusal?
            for (field, value) in candidate.fields.sorted(by: { $0.key < $1.key }) {
                if let limit = quota(field: field, value: value), kept[field]?[value, default: 0] ?? 0 >= limit {
                    refusal = .overQuota(field: field, value: value, quota: limit)
                    break
                }
            }
            if refusal == nil, let cap = parityCap, let answer = candidate.judgement, answers[answer, default: 0] >= cap {
                refusal = .yesNoParity(answer: answer, cap: cap)
            }
            if let refusal {
                refusals[index] = refusal
                continue
            }
            for (field, value) in candidate.fields { kept[field, default: [:]][value, default: 0] += 1 }
            if let answer = candidate.judgement { answers[answer, default: 0] += 1 }
        }
        var shortfalls: [Shortfall] = []
        for (field, values) in quotas.sorted(by: { $0.key < $1.key }) {
            for (value, quota) in values.sorted(by: { $0.key < $1.key }) where value != "others" {
                let count = kept[field]?[value] ?? 0
                if count < quota { shortfalls.append(Shortfall(field: field, value: value, quota: quota, kept: count)) }
            }
        }
        return Plan(refusals: refusals, shortfalls: shortfalls)
    }

    private func quota(field: String, value: String) -> Int? {
        guard let values = quotas[field] else { return nil }
        return values[value] ?? values["others"]
    }
}

/// Spreads multiple-choice answer keys evenly over the letters: the i-th record (in a seeded order) gets letter
/// i mod 4, and its options are reordered so the correct one stands there.
public enum LetterBalancer {
    /// The options reordered so the correct one (at `correct`) moves to `target`; the others keep their order.
    public static func reorder(_ options: [String], correct: Int, target: Int) -> [String] {
        guard options.indices.contains(correct), options.indices.contains(target) else { return options }
        var reordered = options
        let answer = reordered.remove(at: correct)
        reordered.insert(answer, at: target)
        return reordered
    }
}

extension LetterBalancer {
    /// Which records to move to which letter so that every letter is correct for n/4 of them (the first n mod 4
    /// letters one more): records are visited in `order`, and one whose letter has more than its share moves to
    /// the first letter that has fewer. Records whose letter is unknown stay where they are.
    public static func moves(_ records: [(order: UInt64, id: String, letter: Int?)]) -> [String: Int] {
        let known = records.filter { $0.letter != nil }.sorted { $0.order < $1.order }
        let letters = optionLetters.count
        let share = (0..<letters).map { known.count / letters + ($0 < known.count % letters ? 1 : 0) }
        var counts = [Int](repeating: 0, count: letters)
        for record in known { counts[record.letter!] += 1 }
        var moves: [String: Int] = [:]
        for record in known {
            let letter = record.letter!
            guard counts[letter] > share[letter], let target = (0..<letters).first(where: { counts[$0] < share[$0] }) else { continue }
            counts[letter] -= 1
            counts[target] += 1
            moves[record.id] = target
        }
        return moves
    }

    /// `record` with its correct option moved to the letter at `target`: options, the option lines of the first
    /// question, the answer key and a bare-letter answer all changed together. Nil when the record is not in that
    /// layout (options not listed as "A. …" lines, or an answer that is more than a letter).
    public static func relettered(_ record: Record, target: Int) -> Record? {
        guard record.type == .multipleChoice, let options = record.options, options.count == optionLetters.count,
            let key = record.answerKey, let correct = optionLetters.firstIndex(of: key),
            let questionIndex = record.turns.firstIndex(where: { $0.role == .user }),
            questionIndex + 1 < record.turns.count, record.turns[questionIndex + 1].role == .assistant,
            optionLetters.indices.contains(target)
        else { return nil }
        if correct == target { return record }
        let answer = record.turns[questionIndex + 1].text.trimmingCharacters(in: .whitespacesAndNewlines)
        let bare = answer.trimmingCharacters(in: CharacterSet(charactersIn: "().:"))
        guard bare == key else { return nil }
        let listed = zip(optionLetters, options).map { "\($0). \($1)" }.joined(separator: "\n")
        let question = record.turns[questionIndex].text
        // From the end: the lines Loom wrote come last, after anything of the question's own that reads the same.
        guard let range = question.range(of: listed, options: .backwards) else { return nil }
        let reordered = reorder(options, correct: correct, target: target)
        var changed = record
        changed.turns[questionIndex].text = question.replacingCharacters(
            in: range, with: zip(optionLetters, reordered).map { "\($0). \($1)" }.joined(separator: "\n"))
        changed.turns[questionIndex + 1].text = answer.replacingOccurrences(of: key, with: optionLetters[target])
        changed.options = reordered
        changed.answerKey = optionLetters[target]
        return changed
    }
}
