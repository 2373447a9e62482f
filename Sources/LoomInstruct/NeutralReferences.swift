/// Replaces people's names with neutral references ("Person A", "Person B", …, in the order the names are
/// listed), as whole words and with their possessive: MIMIC-IT's TV-show captions kept who does what without
/// naming the characters.
public struct NeutralReferences: Sendable {
    private let replacements: [(name: String, reference: String)]

    public init(names: [String]) {
        var seen: Set<String> = []
        let distinct = names.map { $0.trimmingWhitespace }.filter { !$0.isEmpty && seen.insert($0).inserted }
        // Longer names first, so that "Mary Jane" is replaced before "Mary".
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let references = distinct.enumerated().map { index, name in
            (name, "Person " + (index < letters.count ? String(letters[index]) : String(index + 1)))
        }
        replacements = references.sorted { $0.0.count > $1.0.count }
    }

    public func apply(_ text: String) -> String {
        var result = text
        for (name, reference) in replacements { result = Self.replaceWord(name, with: reference, in: result) }
        return result
    }

    /// Replaces `word` where it stands as a whole word (letters and digits do not continue it on either side).
    static func replaceWord(_ word: String, with replacement: String, in text: String) -> String {
        guard !word.isEmpty else { return text }
        var output = ""
        var rest = Substring(text)
        while let range = rest.range(of: word) {
            let before = range.lowerBound > rest.startIndex ? rest[rest.index(before: range.lowerBound)] : nil
            let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : nil
            let isWord = !(before.map { $0.isLetter || $0.isNumber } ?? false) && !(after.map { $0.isLetter || $0.isNumber } ?? false)
            output += rest[..<range.lowerBound]
            output += isWord ? replacement : String(rest[range])
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
