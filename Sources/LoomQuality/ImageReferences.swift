/// How a question refers to the images of its record: by number ("image 2", "the third frame", "the last
/// picture") or as several at once ("both images", "these frames", "each picture").
struct ImageReferences: Equatable {
    /// 1-based indices named explicitly.
    var indices: Set<Int> = []
    /// Whether the text speaks of several images together.
    var plural = false

    static let singularNouns: Set<String> = ["image", "picture", "photo", "frame", "img", "figure", "photograph", "shot", "panel"]
    static let pluralNouns: Set<String> = ["images", "pictures", "photos", "frames", "photographs", "shots", "panels", "figures"]
    static let ordinals: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
        "sixteenth": 16, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
    ]
    static let collective: Set<String> = ["both", "each", "all", "every", "between", "across", "compare", "compared", "comparing", "differ", "differs", "difference", "differences", "change", "changes", "changed", "sequence", "order",
        // Change over time can only be seen across frames.
        "move", "moves", "moved", "moving", "movement", "direction", "appear", "appears", "appeared", "disappear",
        "disappears", "disappeared", "enters", "leaves", "travel", "travels", "when", "time",
        // Comparison words set an image against the others.
        "than", "other", "others", "most", "fewest", "least", "same", "similar", "common", "throughout", "during", "before", "after", "happens", "video",
        "clip",
        // Time in a video: moments, durations, what comes next.
        "seconds", "mark", "long", "next", "times", "steps", "events", "event", "earlier", "later", "then"]
    /// "which image…", "what frame…": a choice among all of them.
    static let choosers: Set<String> = ["which", "what", "whichever"]

    /// The references in `words` (lower-cased). `count` resolves "last".
    init(words: [String], count: Int) {
        for (index, word) in words.enumerated() {
            let next = index + 1 < words.count ? words[index + 1] : nil
            if Self.singularNouns.contains(word), let next, let number = Self.number(next) {
                indices.insert(number)
            } else if Self.singularNouns.contains(word) || Self.pluralNouns.contains(word) {
                if let ordinal = index > 0 ? Self.ordinals[words[index - 1]] : nil {
                    indices.insert(ordinal)
                } else if index > 0, words[index - 1] == "last" || words[index - 1] == "final" {
                    indices.insert(count)
                }
                if Self.pluralNouns.contains(word) { plural = true }
                if index > 0, Self.choosers.contains(words[index - 1]) { plural = true }
            } else if Self.collective.contains(word) {
                plural = true
            } else if word == "last" || word == "final", index > 0, words[index - 1] == "the" {
                // "from the first frame to the last": the noun is left out.
                indices.insert(count)
            }
        }
    }

    /// How many distinct images the text singles out or groups together: plural counts as several.
    var refersToSeveral: Bool { plural || indices.count >= 2 }
    var refersToAny: Bool { plural || !indices.isEmpty }

    private static func number(_ word: String) -> Int? {
        if let value = Int(word), value >= 0, value < 1000 { return value }
        return QualityResources.numberWords[word]
    }
}
