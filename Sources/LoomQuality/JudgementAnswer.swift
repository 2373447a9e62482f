import Foundation

/// Whether a judgement answer says yes or no, in its language (`answer-words.txt`).
///
/// Read from the answer's opening text rather than its first word: Chinese and Japanese have no spaces, and word
/// splitting cuts them into single characters, so "没有" or "はい" never arrived whole.
public enum JudgementAnswer {
    /// "yes" or "no" when `answer` opens with one of the language's yes or no words (English's when the
    /// language has none listed), nil otherwise. A word in a script with spaces must end there ("no." but not
    /// "nothing"); a Chinese or Japanese one may run on into the sentence ("有两个").
    public static func yesOrNo(_ answer: String, language: String) -> String? {
        let words = QualityResources.answerWords[LanguageGuess.primary(language)] ?? QualityResources.answerWords["en"]!
        let text = answer.lowercased().drop { $0.isWhitespace || $0.isPunctuation || $0 == "\"" }
        // Longest first: "不是" before "不", "是的" before "是".
        let candidates = (words.yes.map { ($0, "yes") } + words.no.map { ($0, "no") }).sorted { $0.0.count > $1.0.count }
        for (word, said) in candidates where text.hasPrefix(word) {
            guard let next = text.dropFirst(word.count).first else { return said }
            if runsOn(word) || !(next.isLetter || next.isNumber) { return said }
        }
        return nil
    }

    /// Whether a word is written in a script without spaces between words (Han, kana).
    private static func runsOn(_ word: String) -> Bool {
        guard let last = word.unicodeScalars.last else { return false }
        switch last.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: return true
        default: return false
        }
    }
}
