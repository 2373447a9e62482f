import LoomCore
import LoomStore

/// What a reviewer changed in a record: the text of each turn (questions and answers), and for multiple-choice
/// records the options and the answer key. Fields left nil keep their value.
public struct RecordEdit: Sendable, Hashable {
    /// The text of every turn, in order; a nil entry keeps that turn as it is.
    public var turns: [String?]?
    public var options: [String]?
    public var answerKey: String?

    public init(turns: [String?]? = nil, options: [String]? = nil, answerKey: String? = nil) {
        self.turns = turns
        self.options = options
        self.answerKey = answerKey
    }

    /// The edited record, and a note naming what changed (nil if nothing did).
    func applied(to record: LoomCore.Record) throws -> (LoomCore.Record, String?) {
        var edited = record
        var changed: [String] = []
        if let turns {
            guard turns.count == record.turns.count else {
                throw ReviewRefusal(.conflict, "the edit has \(turns.count) turns for a record of \(record.turns.count)")
            }
            for (index, text) in turns.enumerated() {
                guard let text else { continue }
                // Browsers send text areas with CRLF line ends; the record keeps LF.
                let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
                if normalized != record.turns[index].text {
                    edited.turns[index].text = normalized
                    changed.append("\(record.turns[index].role == .user ? "question" : "answer") (turn \(index + 1))")
                }
            }
        }
        if let options, record.options != nil {
            let cleaned = options.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if cleaned != record.options {
                edited.options = cleaned
                changed.append("options")
            }
        }
        if let answerKey, record.answerKey != nil {
            let key = answerKey.trimmingCharacters(in: .whitespacesAndNewlines)
            if key != record.answerKey {
                edited.answerKey = key
                changed.append("answer key")
            }
        }
        return (edited, changed.isEmpty ? nil : "edited " + changed.joined(separator: ", "))
    }
}
