import Foundation
import LoomCore

/// Model text is untrusted: it can hold control characters, invisible formatting, HTML, image placeholders
/// and enormous strings. Everything a model writes passes through here before it becomes part of a record.
public enum ModelText {
    /// The longest text accepted in one field.
    public static let maxLength = 6000

    /// The text with what no reader sees removed (`VisibleText`), `<image>` placeholders defused (they would break
    /// the one-placeholder-per-medium rule) unless `keepPlaceholders` (a translation must give back the ones it was
    /// sent), chat-template tokens (`<|im_end|>`, `</s>`) cut, other trainer tokens (`<video>`, `[IMG]`:
    /// `TrainerTokens`) defused always, line ends normalized, runs of blank lines collapsed and the ends trimmed.
    public static func clean(_ raw: String, keepPlaceholders: Bool = false) -> String {
        // Chat-template tokens ("red<|im_end|>", "A dog</s>") are cut whole: they are the server's, not the model's text.
        var text = TrainerTokens.withoutTemplateTokens(VisibleText.cleaned(raw))
        // `<video>` and other models' image tokens: a trainer would read them as media. Defusing one token can make
        // another of what surrounds it ("<<image>>" → "<image>", "<<|x|>image>"), so again until nothing changes
        // (each pass makes the text shorter).
        while true {
            var changed = false
            if !keepPlaceholders && text.contains(Record.imagePlaceholder) {
                text = text.replacingOccurrences(of: Record.imagePlaceholder, with: "image")
                changed = true
            }
            let defused = TrainerTokens.defused(text)
            if defused != text {
                text = defused
                changed = true
            }
            if !changed { break }
        }
        while text.contains("\n\n\n") { text = text.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A text reduced for comparing: lower case, letters and digits only, single spaces. "What is it?" and
    /// "what is it" are the same question.
    public static func comparisonKey(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }

    /// Words of a text, for length rules.
    public static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }
}
