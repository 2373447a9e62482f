import LoomCore

/// What a translation must keep of its source, each rule worded for a correction turn: the `<image>`
/// placeholders, every number (as digits), option letters at the start of lines, and the answer letter of a
/// multiple-choice record.
public enum TranslationCheck {
    /// The problems of `translated` against `source` (empty when it keeps everything).
    public static func problems(
        source: [String], translated: [String], sourceOptions: [String]?, translatedOptions: [String]?, answerKey: String?
    ) -> [String] {
        var problems: [String] = []
        if translated.count != source.count {
            return ["turns has \(translated.count) texts, but the source has \(source.count): translate each text once, in order"]
        }
        for (index, (original, translation)) in zip(source, translated).enumerated() {
            if translation.isEmpty { problems.append("turns[\(index)] is empty") }
            problems += kept(original, translation, field: "turns[\(index)]")
            if original.hasPrefix(Record.imagePlaceholder) && !translation.hasPrefix(Record.imagePlaceholder) {
                problems.append("turns[\(index)] must start with <image>, as the source does")
            }
            let letters = optionLineLetters(original)
            if optionLineLetters(translation) != letters {
                problems.append("turns[\(index)] must keep the option lines starting with \(letters.map { "\"\($0).\"" }.joined(separator: ", "))")
            }
            if let key = answerKey, index % 2 == 1, standaloneLetters(original).contains(key), !standaloneLetters(translation).contains(key) {
                problems.append("turns[\(index)] must keep the answer letter \(key)")
            }
        }
        switch (sourceOptions, translatedOptions) {
        case (nil, _): break
        case (let options?, nil): problems.append("options is missing: translate the \(options.count) options")
        case (let options?, let translations?):
            if translations.count != options.count {
                problems.append("options has \(translations.count) items, but the source has \(options.count)")
            } else {
                for (index, (original, translation)) in zip(options, translations).enumerated() {
                    if translation.isEmpty { problems.append("options[\(index)] is empty") }
                    problems += kept(original, translation, field: "options[\(index)]")
                }
                let distinct = Set(translations.map { $0.lowercased().trimmingCharacters(in: .whitespaces) })
                if distinct.count != translations.count && Set(options.map { $0.lowercased() }).count == options.count {
                    problems.append("options repeat one another: translate each of the \(options.count) different options on its own")
                }
            }
        }
        return problems
    }

    /// Placeholders and numbers of one text.
    private static func kept(_ original: String, _ translation: String, field: String) -> [String] {
        var problems: [String] = []
        let placeholders = TextSearch.count(of: Record.imagePlaceholder, in: original)
        let translatedPlaceholders = TextSearch.count(of: Record.imagePlaceholder, in: translation)
        if translatedPlaceholders != placeholders {
            problems.append("\(field) has \(translatedPlaceholders) <image> placeholders, but the source has \(placeholders): keep each <image> exactly")
        }
        let numbers = numbersIn(original).sorted()
        let translatedNumbers = numbersIn(translation).sorted()
        // Compared by their digits: languages write 3.5 as 3,5 and 1,000 as 1.000 (German, French, Spanish).
        if numbers.map(digits).sorted() != translatedNumbers.map(digits).sorted() {
            let shown = numbers.isEmpty ? "none" : numbers.joined(separator: ", ")
            problems.append("\(field) changes the numbers: the source has \(shown), the translation \(translatedNumbers.isEmpty ? "none" : translatedNumbers.joined(separator: ", "))")
        } else if placeholders == translatedPlaceholders {
            // The same numbers, but the images' labels ("Image 2: <image>") must also stay in their order: swapped,
            // "image 2" in the question would name the other picture.
            let labels = labelNumbers(original), translatedLabels = labelNumbers(translation)
            if labels.map { $0.map(digits) } != translatedLabels.map { $0.map(digits) } {
                problems.append("\(field) must keep the labels before each <image> in their order (\(labels.map { $0.joined(separator: " ") }.joined(separator: ", ")))")
            }
        }
        return problems
    }

    /// The numbers of each line's text before its `<image>`, line by line: the images' labels in order.
    private static func labelNumbers(_ text: String) -> [[String]] {
        text.split(separator: "\n").compactMap { line in
            line.range(of: Record.imagePlaceholder).map { numbersIn(String(line[..<$0.lowerBound])) }
        }
    }

    /// A number's digits without its separators.
    private static func digits(_ number: String) -> String { number.filter(\.isNumber) }

    /// Runs of ASCII digits (with a decimal point or comma between digits kept inside the number).
    static func numbersIn(_ text: String) -> [String] {
        var numbers: [String] = []
        var current = ""
        var pendingSeparator: Character?
        for character in text {
            if character.isASCII && character.isNumber {
                if let separator = pendingSeparator, !current.isEmpty { current.append(separator) }
                pendingSeparator = nil
                current.append(character)
            } else if (character == "." || character == ","), !current.isEmpty, pendingSeparator == nil {
                pendingSeparator = character
            } else {
                if !current.isEmpty { numbers.append(current) }
                current = ""
                pendingSeparator = nil
            }
        }
        if !current.isEmpty { numbers.append(current) }
        return numbers
    }

    /// The letters A–D that open lines as "A." (option lines).
    static func optionLineLetters(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.count >= 2, let first = trimmed.first, optionLetters.contains(String(first)),
                trimmed.dropFirst().first == "." else { return nil }
            return String(first)
        }
    }

    /// The letters A–D that stand alone in a text: not next to another Latin letter or digit (Chinese and
    /// Japanese put "B" right after a character: "答案是B").
    static func standaloneLetters(_ text: String) -> Set<String> {
        var letters = Set<String>()
        let characters = Array(text)
        for (index, character) in characters.enumerated() where optionLetters.contains(String(character)) {
            let before = index > 0 ? characters[index - 1] : " "
            let after = index + 1 < characters.count ? characters[index + 1] : " "
            let joined = { (neighbour: Character) in neighbour.isASCII && (neighbour.isLetter || neighbour.isNumber) }
            if !joined(before) && !joined(after) { letters.insert(String(character)) }
        }
        return letters
    }
}
