import Foundation
import LoomCore

/// The parts of a record's text that statistics measure.
///
/// The **instruction** is the first user turn without its media placeholders and "Image 1:"/"Frame 1:" prefix
/// lines (`MediaLabel`, in any language) — the options and answer-format hint it carries stay, since the model
/// reads them. The **answer** is the first assistant turn. Multi-round records are measured on their first
/// exchange, so that every record counts once in each histogram.
public enum RecordText {
    /// The first user turn, placeholders and prefix lines removed, trimmed.
    public static func instruction(of record: Record) -> String {
        guard let turn = record.turns.first(where: { $0.role == .user }) else { return "" }
        return withoutPlaceholders(turn.text)
    }

    /// The first assistant turn, trimmed.
    public static func answer(of record: Record) -> String {
        record.turns.first(where: { $0.role == .assistant })?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// The instruction without its multiple-choice option lines ("A. Red"): the question and its hint.
    public static func question(of record: Record) -> String {
        instruction(of: record).split(separator: "\n").filter { !isOptionLine($0) }.joined(separator: "\n")
    }

    /// Words: whitespace-separated pieces that hold a letter or a digit.
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        var hasContent = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                if inWord && hasContent { count += 1 }
                inWord = false
                hasContent = false
            } else {
                inWord = true
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { hasContent = true }
            }
        }
        if inWord && hasContent { count += 1 }
        return count
    }

    /// Text with every `<image>` removed and the lines that held only a placeholder or a "Name N:" prefix dropped.
    static func withoutPlaceholders(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.contains(Record.imagePlaceholder) else {
                lines.append(line)
                continue
            }
            let rest = line.replacingOccurrences(of: Record.imagePlaceholder, with: "")
                .trimmingCharacters(in: .whitespaces)
            if rest.isEmpty || MediaLabel.matches(rest) { continue }
            lines.append(Substring(rest))
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// "A. Red", "D. 4".
    private static func isOptionLine(_ line: Substring) -> Bool {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.count >= 2, let letter = trimmed.first else { return false }
        return optionLetters.contains(String(letter)) && trimmed.dropFirst().first == "."
    }
}
