import Foundation
import LoomCore
import LoomLLM

/// The letters or numbers a model writes before its options, or into its question, although told to write
/// neither: "A. red", "(b) blue", "3: green", "What colour is it? A) red B) blue". Loom letters the options itself
/// (after moving the correct one to a seeded place), so a label the model wrote would show a second, contradicting
/// letter.
enum OptionLabels {
    /// The longest an option may be: an option is a word or a phrase.
    static let maxOptionLength = 200

    /// A label at the start of an option: its position (A or 1 → 0) and where the option's own text starts.
    static func label(of option: String) -> (position: Int, rest: Substring)? {
        var text = option[...]
        if text.lowercased().hasPrefix("option ") { text = text.dropFirst("option ".count) }
        let bracketed = text.first == "(" || text.first == "["
        if bracketed { text = text.dropFirst() }
        guard let mark = text.first, let position = position(of: mark) else { return nil }
        text = text.dropFirst()
        guard let punctuation = text.first else { return nil }
        if bracketed {
            guard punctuation == ")" || punctuation == "]" else { return nil }
            text = text.dropFirst()
            if let next = text.first, ".:：．".contains(next) { text = text.dropFirst() }
        } else {
            // A space must follow, except after a letter's ")", "：" or "、" (how Chinese and Japanese write them):
            // "1:15", "4:3", "D.C.", "C-3PO" and "3.5" are options of their own.
            let spaced = text.dropFirst().first?.isWhitespace == true
            switch punctuation {
            case ".", "-", ":", "．": guard spaced else { return nil }
            case ")", "]", "：", "、": guard spaced || mark.isLetter else { return nil }
            default: return nil
            }
            text = text.dropFirst()
        }
        let rest = text.drop(while: \.isWhitespace)
        return rest.isEmpty ? nil : (position, rest)
    }

    /// A–D, a–d, 1–4 and their full-width forms → 0…3.
    private static func position(of mark: Character) -> Int? {
        for (index, forms) in [["A", "a", "1", "Ａ", "１"], ["B", "b", "2", "Ｂ", "２"], ["C", "c", "3", "Ｃ", "３"], ["D", "d", "4", "Ｄ", "４"]].enumerated()
        where forms.contains(String(mark)) {
            return index
        }
        return nil
    }

    /// The options with the labels the model wrote taken off: when all of them carry one and the labels run in
    /// order (A, B, C, D or 1, 2, 3, 4), the texts after them; when at most two look labelled ("A. Lincoln", "C.
    /// elegans": names with initials), the options as they are.
    ///
    /// - Throws: a `ReplyProblem` when three carry a label and one does not, or all four do out of order ("B. red",
    ///   "A. blue"): the answer's letter could then name either option.
    static func stripped(_ options: [String], field: String) throws(ReplyProblem) -> [String] {
        let labels = options.map(label(of:))
        if labels.filter({ $0 != nil }).count <= 2 { return options }
        guard labels.enumerated().allSatisfy({ $0.element?.position == $0.offset }) else {
            throw ReplyProblem(
                "\(field): write each option's text alone, without a letter or number before it (the options are lettered A to D in the order given)")
        }
        return labels.map { String($0!.rest).trimmingCharacters(in: .whitespaces) }
    }

    /// Whether a question lists the options itself behind labels ("… A) red B) blue", "(A) red\n(B) blue",
    /// "1. red 2. blue"): at least two labels, each followed by one of the options' texts. Labels that name
    /// something else ("Which panel, (A) or (B), peaks higher?") are the question's own.
    static func questionListsOptions(_ question: String, options: [String]) -> Bool {
        let keys = options.map(ModelText.comparisonKey).filter { !$0.isEmpty }
        let characters = Array(question)
        var listed = 0
        for index in characters.indices where "ABCDabcd1234".contains(characters[index]) {
            let before = index > 0 ? characters[index - 1] : " "
            guard before.isWhitespace || before == "(" || before == "[" || before == ":" else { continue }
            guard index + 1 < characters.count else { continue }
            let after = characters[index + 1]
            guard ")]".contains(after) || ".:：．、".contains(after) else { continue }
            let rest = ModelText.comparisonKey(String(characters[(index + 2)...].prefix(200)))
            if keys.contains(where: { rest == $0 || rest.hasPrefix($0 + " ") }) { listed += 1 }
        }
        return listed >= 2
    }
}
