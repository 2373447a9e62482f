/// Ego4D writes narrations in the third person about the camera wearer "C" ("#C C picks up a knife"); MIMIC-IT's
/// egocentric data speaks as the wearer. This rewrites the wearer's narrations in the first person ("I pick up
/// a knife") and drops the `#C` / `#O` markers; other text is left as it is.
public enum FirstPersonNarration {
    public static func rewrite(_ narration: String) -> String {
        var words = narration.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let first = words.first, first.uppercased() == "#C" || first.uppercased() == "#O" { words.removeFirst() }
        guard words.count >= 2, words[0] == "C" else {
            return words.map { $0 == "C" ? "me" : $0 }.joined(separator: " ")
        }
        words[0] = "I"
        words[1] = baseForm(words[1])
        for index in words.indices.dropFirst(2) where words[index] == "C" { words[index] = "me" }
        return words.joined(separator: " ")
    }

    /// "picks" → "pick", "washes" → "wash", "carries" → "carry", "is" → "am", "has" → "have".
    static func baseForm(_ verb: String) -> String {
        let irregular = ["is": "am", "has": "have", "does": "do", "goes": "go", "was": "was"]
        let lower = verb.lowercased()
        if let form = irregular[lower] { return form }
        if lower.hasSuffix("ies"), lower.count > 4 { return String(verb.dropLast(3)) + "y" }
        for ending in ["sses", "shes", "ches", "xes", "zes", "oes"] where lower.hasSuffix(ending) {
            return String(verb.dropLast(2))
        }
        if lower.hasSuffix("s"), !lower.hasSuffix("ss"), lower.count > 2 { return String(verb.dropLast()) }
        return verb
    }
}
