/// Character error rate (CER): the Levenshtein distance between recognized text and a reference, divided by the
/// reference's length.
///
/// Characters are Swift `Character`s (extended grapheme clusters, compared with canonical equivalence), so "é"
/// written precomposed or as "e" plus a combining accent is one character either way. Insertions, deletions and
/// substitutions each cost 1. Comparison is exact: case, spaces and punctuation count.
public enum CharacterErrorRate {
    /// `distance(recognized, reference) / reference.count`; 0 for a perfect read. Can exceed 1 when the recognizer
    /// adds text. An empty reference counts as length 1, so it gives 0 for an empty reading and the number of
    /// invented characters otherwise.
    public static func of(_ recognized: String, reference: String) -> Double {
        let length = reference.count
        return Double(distance(recognized, reference)) / Double(max(1, length))
    }

    /// The CER of many readings together: total edits divided by total reference characters (so long references
    /// weigh more than short ones). 0 for no pairs.
    public static func aggregate(_ pairs: [(recognized: String, reference: String)]) -> Double {
        var edits = 0
        var characters = 0
        for pair in pairs {
            edits += distance(pair.recognized, pair.reference)
            characters += pair.reference.count
        }
        guard edits > 0 else { return 0 }
        return Double(edits) / Double(max(1, characters))
    }

    /// The Levenshtein distance between two strings, in characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // One row of the dynamic-programming table at a time.
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
