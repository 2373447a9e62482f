import Foundation

/// The quality stage's word lists (`Resources/*.txt`), read once.
enum QualityResources {
    /// The non-comment, non-empty lines of a resource file.
    static func lines(_ name: String) -> [String] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: name, withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Phrases that make an answer boilerplate, normalized.
    static let boilerplate: [String] = lines("boilerplate").map { Words.joinedLowercase($0) }

    /// Whole answers that say nothing ("unknown", "N/A"), normalized.
    static let nonAnswers: Set<String> = Set(lines("non-answers").map { Words.joinedLowercase($0) })

    /// Words with no visual content.
    static let functionWords: Set<String> = Set(lines("function-words").flatMap { $0.split(separator: " ").map(String.init) })

    /// Per language code, its most frequent words.
    static let languageWords: [String: Set<String>] = {
        var table: [String: Set<String>] = [:]
        for line in lines("language-words") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            table[String(line[..<colon])] = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return table
    }()

    /// Per language code, the words that begin a "yes" and a "no" answer.
    static let answerWords: [String: (yes: Set<String>, no: Set<String>)] = {
        var table: [String: (yes: Set<String>, no: Set<String>)] = [:]
        for line in lines("answer-words") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let sides = line[line.index(after: colon)...].split(separator: "|")
            guard sides.count == 2 else { continue }
            table[String(line[..<colon])] = (
                Set(sides[0].split(separator: " ").map(String.init)), Set(sides[1].split(separator: " ").map(String.init))
            )
        }
        return table
    }()

    /// Number words and their values.
    static let numberWords: [String: Int] = {
        var table: [String: Int] = [:]
        for line in lines("number-words") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int(parts[0]) { table[String(parts[1])] = value }
        }
        return table
    }()
}
