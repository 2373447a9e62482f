import Foundation

/// Plurals of English nouns, for category names ("dog" → "dogs", "bus" → "buses", "person" → "people").
///
/// Regular rules cover most names; the exceptions are data (`Resources/english-plurals.json`). A name of several
/// words is pluralized on its last word ("wine glass" → "wine glasses").
public enum EnglishPlural {
    private struct Table: Decodable {
        var irregular: [String: String]
        var unchanged: [String]
    }

    private static let table: (irregular: [String: String], unchanged: Set<String>) = {
        guard let url = Bundle.module.url(forResource: "english-plurals", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "english-plurals", withExtension: "json"),
            let data = try? Data(contentsOf: url), let table = try? JSONDecoder().decode(Table.self, from: data)
        else { return ([:], []) }
        return (table.irregular, Set(table.unchanged))
    }()

    /// The plural of `noun`.
    public static func of(_ noun: String) -> String {
        let lowered = noun.lowercased()
        if table.unchanged.contains(lowered) { return noun }
        let words = noun.split(separator: " ", omittingEmptySubsequences: false)
        guard let last = words.last.map(String.init), !last.isEmpty else { return noun }
        let head = words.dropLast().joined(separator: " ")
        let joined = { (word: String) in head.isEmpty ? word : head + " " + word }
        if table.unchanged.contains(last.lowercased()) { return noun }
        if let irregular = table.irregular[last.lowercased()] { return joined(irregular) }
        return joined(regular(last))
    }

    private static func regular(_ word: String) -> String {
        let lower = word.lowercased()
        for suffix in ["s", "x", "z", "ch", "sh"] where lower.hasSuffix(suffix) { return word + "es" }
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) {
            return word.dropLast() + "ies"
        }
        return word + "s"
    }
}
