/// How long a translation of a text may be against its source, in characters: a translation much shorter than
/// its source left sentences out (a model told its reply was too long condenses), one much longer runs on. The
/// bounds are wide: Chinese and Japanese say in a third of the characters what English says, Korean in about half;
/// Latin-script languages take 0.8–1.4 times as many.
public enum TranslationLength {
    /// Sources shorter than this are not held to the lower bound (a short answer may translate to one character).
    static let minimumSourceForShortness = 80
    /// A translation may always be this long, whatever its source (a two-word answer in a long-winded language).
    static let allowance = 200

    /// The fewest characters per source character a translation into `target` may have.
    static func lowerBound(_ target: String) -> Double {
        ["zh", "ja"].contains(target) ? 0.12 : target == "ko" ? 0.2 : 0.35
    }

    /// The most characters per source character: four, or eight from a language written in few characters
    /// (Chinese, Japanese, Korean) into one that is not.
    static func upperBound(from source: String, to target: String) -> Double {
        let dense = ["zh", "ja", "ko"]
        return dense.contains(source) && !dense.contains(target) ? 8 : 4
    }

    /// What is wrong with the length of `translated` (in `target`) against `source` (in `from`), worded for a
    /// correction turn, or nil.
    public static func problem(source: String, translated: String, from: String, target: String) -> String? {
        let (original, translation) = (Double(source.count), Double(translated.count))
        let upperBound = upperBound(from: from, to: target)
        if source.count >= minimumSourceForShortness, translation < original * lowerBound(target) {
            return "is much shorter than its source (\(translated.count) characters for \(source.count)): translate all of it, leave nothing out"
        }
        if translation > max(original * upperBound, Double(allowance)) {
            return "is much longer than its source (\(translated.count) characters for \(source.count)): translate the text once, add nothing"
        }
        return nil
    }
}
