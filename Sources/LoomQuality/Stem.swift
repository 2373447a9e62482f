/// A light English stemmer for matching answer words against evidence: plural, verb and adverb endings are
/// stripped so "circles", "circle" and "circled" meet. It errs toward matching: the grounding check asks "was this
/// said anywhere?", not "is this the same lemma?".
enum Stem {
    static func of(_ word: String) -> String {
        let length = word.utf8.count
        guard length > 3, word.utf8.allSatisfy({ $0 < 0x80 }) else { return word }
        func drop(_ count: Int) -> String { String(word.dropLast(count)) }
        if word.hasSuffix("ies") && length > 4 { return drop(3) + "y" }
        if word.hasSuffix("ing") && length > 5 { return drop(3) }
        if word.hasSuffix("ed") && length > 4 { return drop(2) }
        if word.hasSuffix("ly") && length > 4 { return drop(2) }
        if word.hasSuffix("es") && (word.hasSuffix("ches") || word.hasSuffix("shes") || word.hasSuffix("xes") || word.hasSuffix("sses")) {
            return drop(2)
        }
        if word.hasSuffix("s") && !word.hasSuffix("ss") && !word.hasSuffix("us") && !word.hasSuffix("is") { return drop(1) }
        return word
    }
}
