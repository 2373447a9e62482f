import Foundation

/// Whether a model's text declines the task instead of doing it ("I'm sorry, but I can't help with that."), read
/// from how it opens (`Resources/refusal-openings.txt`). A refusal is the model's answer to this item: asking again
/// is refused again, and paid for again.
public enum RefusalText {
    private static let openings: [String] = {
        guard let url = Bundle.module.url(forResource: "refusal-openings", withExtension: "txt", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "refusal-openings", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return ["i'm sorry", "i cannot", "i can't"] }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map(normalized)
    }()

    /// Whether `text` opens with one of the refusal openings.
    public static func opensWithRefusal(_ text: String) -> Bool {
        let start = normalized(String(text.prefix(80)))
        return openings.contains { start == $0 || start.hasPrefix($0 + " ") }
    }

    /// Lower case, curly apostrophes straight, every other character that is no letter or digit a space, spaces
    /// single.
    static func normalized(_ text: String) -> String {
        let mapped = text.lowercased().map { character -> Character in
            if character == "’" || character == "'" { return "'" }
            return character.isLetter || character.isNumber ? character : " "
        }
        return String(mapped).split(separator: " ").joined(separator: " ")
    }
}
