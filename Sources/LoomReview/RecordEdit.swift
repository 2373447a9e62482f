import LoomCore
import LoomStore

/// What a reviewer changed in a record: the text of each turn (questions and answers), and for multiple-choice
/// records the options and the answer key. Fields left nil keep their value.
///
/// A correction reaches the training files as it is, so it is held to what model text is: characters nobody sees
/// are removed (`VisibleText`), and a correction that adds or drops an `<image>` placeholder, adds a token trainers
/// read as media or markup, or runs past `maxTextBytes` is refused with the reason, rather than only flagged.
public struct RecordEdit: Sendable, Hashable {
    /// The text of every turn, in order; a nil entry keeps that turn as it is.
    public var turns: [String?]?
    public var options: [String]?
    public var answerKey: String?

    /// The longest a corrected turn or option may be, in UTF-8 bytes (the quality stage's default `max_turn_bytes`).
    public static let maxTextBytes = 32_768

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
                let normalized = VisibleText.cleaned(text)
                let original = record.turns[index].text
                if normalized != original {
                    try Self.check(normalized, against: original, field: "turn \(index + 1)")
                    edited.turns[index].text = normalized
                    changed.append("\(record.turns[index].role == .user ? "question" : "answer") (turn \(index + 1))")
                }
            }
        }
        if let options, let originals = record.options {
            let cleaned = options.map { VisibleText.cleaned($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            for (index, option) in cleaned.enumerated() {
                try Self.check(option, against: index < originals.count ? originals[index] : "", field: "option \(index + 1)")
            }
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

    /// Refuses a corrected text that changes how many images it shows, adds a trainer token, or is too long.
    private static func check(_ text: String, against original: String, field: String) throws {
        let (before, after) = (TextSearch.count(of: Record.imagePlaceholder, in: original), TextSearch.count(of: Record.imagePlaceholder, in: text))
        if after != before {
            throw ReviewRefusal(
                .conflict,
                "\(field) must keep its \(before) <image> placeholder\(before == 1 ? "" : "s") (it has \(after)): each stands for one of the record's images")
        }
        if let token = TrainerTokens.first(in: text), TrainerTokens.first(in: original) != token {
            throw ReviewRefusal(.conflict, "\(field) holds \(token), which trainers read as media or chat markup: write it another way")
        }
        if TrainerTokens.withoutTemplateTokens(text) != text, TrainerTokens.withoutTemplateTokens(original) == original {
            throw ReviewRefusal(.conflict, "\(field) holds a chat-template token (such as </s> or <end_of_turn>), which trainers read as markup: write it another way")
        }
        if text.utf8.count > maxTextBytes {
            throw ReviewRefusal(.conflict, "\(field) is longer than \(maxTextBytes / 1024) KiB: shorten it")
        }
    }
}
