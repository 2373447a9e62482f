import Foundation
import LoomCore

/// Model text is untrusted: it can hold control characters, invisible formatting, HTML, image placeholders
/// and enormous strings. Everything a model writes passes through here before it becomes part of a record.
public enum ModelText {
    /// The longest text accepted in one field.
    public static let maxLength = 6000

    /// The most combining marks kept on one character.
    static let maxMarksInARow = 8

    /// The text with control characters (other than line breaks and tabs), invisible characters (soft hyphen, tag
    /// characters, Hangul fillers; more than `maxMarksInARow` combining marks on one letter), invisible formatting (zero-width space,
    /// direction marks, bidirectional embeddings, overrides and isolates, which can make a reader see text other
    /// than what is stored) removed, but not the zero-width joiners that Persian, the Indic scripts and emoji
    /// sequences are written with,
    /// `<image>` placeholders defused (they would break the one-placeholder-per-medium rule) unless
    /// `keepPlaceholders` (a translation must give back the ones it was sent), chat-template tokens (`<|im_end|>`,
    /// `</s>`) cut, other trainer tokens (`<video>`, `[IMG]`: `TrainerTokens`) defused always, line ends normalized,
    /// runs of blank
    /// lines collapsed and the ends trimmed.
    public static func clean(_ raw: String, keepPlaceholders: Bool = false) -> String {
        var scalars = String.UnicodeScalarView()
        var afterCR = false
        // Combining marks in a row on one letter: a few are writing (Vietnamese, Thai, Devanagari), hundreds are
        // "Zalgo" text that makes "red" not match "red".
        var marksInARow = 0
        for scalar in raw.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                afterCR = true
                continue
            }
            defer { afterCR = false }
            if scalar == "\n" && afterCR { continue }
            switch scalar.value {
            case 0x0A, 0x09: break
            case 0x00...0x1F, 0x7F...0x9F: continue
            case 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: continue
            // Invisible: soft hyphen, combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
            // vowel separator, and the tag characters (U+E0000–E007F) that can hide text inside a string.
            case 0xAD, 0x34F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFFA0, 0xE0000...0xE007F: continue
            default: break
            }
            let category = scalar.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark {
                marksInARow += 1
                if marksInARow > Self.maxMarksInARow { continue }
            } else {
                marksInARow = 0
            }
            scalars.append(scalar)
        }
        // Chat-template tokens ("red<|im_end|>", "A dog</s>") are cut whole: they are the server's, not the model's text.
        var text = TrainerTokens.withoutTemplateTokens(String(scalars))
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
