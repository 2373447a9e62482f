/// The language one text reads as, for checks outside the quality stage (a translation turn by turn): the same
/// guess the quality stage makes of a whole record (`LanguageGuess`), with quoted text left out, since a translation
/// keeps a sign's or a title's words as they are written.
public enum TextLanguage {
    /// One of en, es, fr, de, zh, ja, ko, ar, or nil when the text says too little to tell.
    public static func guess(_ text: String) -> String? {
        LanguageGuess.guess(Words.lowercased(withoutQuotes(text)))
    }

    /// `text` without what stands between quotation marks ("…", “…”, «…», 「…」, 『…』).
    static func withoutQuotes(_ text: String) -> String {
        let pairs: [Character: Character] = ["\"": "\"", "“": "”", "«": "»", "「": "」", "『": "』", "„": "“"]
        var out = ""
        var closing: Character?
        for character in text {
            if let expected = closing {
                if character == expected { closing = nil }
                continue
            }
            if let close = pairs[character] {
                closing = close
                continue
            }
            out.append(character)
        }
        return out
    }
}
