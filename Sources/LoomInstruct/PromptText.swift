import Foundation

/// Prompt templates: text with `{name}` placeholders, filled from a dictionary. Placeholders are checked
/// against what the template may use when the prompt files load, so a typo in a user's prompt folder is an
/// error before any call is paid for.
public enum PromptText {
    /// The placeholder names a template uses, in order of appearance.
    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}") else { break }
            let name = rest[after..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) { names.append(String(name)) }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Problems with a template: placeholders it may not use.
    public static func problems(in template: String, allowed: Set<String>) -> [String] {
        placeholders(in: template).filter { !allowed.contains($0) }.map {
            "unknown placeholder {\($0)}; this prompt may use \(allowed.sorted().map { "{\($0)}" }.joined(separator: ", "))"
        }
    }

    /// The template with each `{name}` replaced by its value. Blank lines left by empty values collapse.
    ///
    /// Templates enclose text that is not Loom's own (captions, text read from an image, annotations, records)
    /// in tags such as `<description>…</description>`, and their system messages tell the model never to follow
    /// instructions inside. A value cannot forge those tags: wherever it holds something a reader could take for
    /// one of the template's tags, opening or closing (`PromptText.defused`), its bracket becomes a square one.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        let fences = fenceTags(in: template)
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            if let close = rest[after...].firstIndex(of: "}"), let value = values[String(rest[after..<close])] {
                out += fences.isEmpty ? value : defused(value, fences: fences)
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[after...]
            }
        }
        out += rest
        while out.contains("\n\n\n") { out = out.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `{name}` stands in the template between an opening tag and the closing tag of the same name (the
    /// last tag before it opens, the first after it closes): text put there is fenced.
    public static func encloses(_ template: String, _ name: String) -> Bool {
        guard let at = template.range(of: "{\(name)}") else { return false }
        let before = template[..<at.lowerBound], after = template[at.upperBound...]
        guard let open = before.lastIndex(of: "<"), let close = after.range(of: "</") else { return false }
        let opened = before[before.index(after: open)...].prefix { $0 != ">" }
        let closed = after[close.upperBound...].prefix { $0 != ">" }
        return !opened.isEmpty && !opened.hasPrefix("/") && opened == closed
    }

    /// The names of the tags a template closes (`</name>`: letters, digits, `_` and `-`, lowercased): its fences.
    static func fenceTags(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "</") {
            let after = rest[open.upperBound...]
            let name = after.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
            if !name.isEmpty, after.dropFirst(name.count).first == ">", !names.contains(name.lowercased()) { names.append(name.lowercased()) }
            rest = after
        }
        return names
    }

    /// `value` with the bracket of everything that reads as one of the `fences` tags made a square one: `<` (or a
    /// look-alike: `＜`, `‹`, `〈`, …), an optional `/` (or `／`, `∕`, `⁄`), and a name that, folded (case, accents,
    /// width) and with invisible and combining characters left out, is a fence's name. Those invisible characters
    /// may stand anywhere in it; a visible space ends it (`a < answer` is arithmetic, not a tag). No closing `>` is
    /// needed: a reader takes `</description` for the tag too.
    static func defused(_ value: String, fences: [String]) -> String {
        guard value.unicodeScalars.contains(where: isOpeningBracket) else { return value }
        let scalars = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            if isOpeningBracket(scalar), spellsFenceTag(scalars, after: index, fences: fences) {
                out.append("[")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static let openingBrackets: Set<Unicode.Scalar> = [
        "<", "\u{FF1C}", "\u{FE64}", "\u{2039}", "\u{3008}", "\u{27E8}", "\u{2329}", "\u{02C2}", "\u{1438}",
    ]
    private static let slashes: Set<Unicode.Scalar> = ["/", "\u{FF0F}", "\u{2215}", "\u{2044}", "\u{29F8}"]

    private static func isOpeningBracket(_ scalar: Unicode.Scalar) -> Bool { openingBrackets.contains(scalar) }

    /// Invisible characters (zero-width joiners, direction marks, other format and default-ignorable characters)
    /// and combining marks: what a reader does not see inside a tag.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return properties.isDefaultIgnorableCodePoint
        }
    }

    /// Whether the scalars after the bracket at `index` spell (an optional slash and) a fence's name. Spaces and
    /// line breaks may stand around the slash (`< /description>`, `</ description>`), not before a name without
    /// one (`a < answer`).
    private static func spellsFenceTag(_ scalars: [Unicode.Scalar], after index: Int, fences: [String]) -> Bool {
        var position = index + 1
        func skip(_ skipped: (Unicode.Scalar) -> Bool) {
            while position < scalars.count, skipped(scalars[position]) { position += 1 }
        }
        let isBlank: (Unicode.Scalar) -> Bool = { isInvisible($0) || $0.properties.isWhitespace || $0.properties.generalCategory == .control }
        skip(isInvisible)
        var slash = position
        while slash < scalars.count, isBlank(scalars[slash]) { slash += 1 }
        if slash < scalars.count, slashes.contains(scalars[slash]) {
            position = slash + 1
            skip(isBlank)
        }
        var name = String.UnicodeScalarView()
        var length = 0
        while position < scalars.count, length <= 64 {
            let scalar = scalars[position]
            position += 1
            if isInvisible(scalar) { continue }
            let properties = scalar.properties
            // Underscore and dash look-alikes (`＿`, `﹍`, `‐`, `–`) count as `_` and `-`.
            if properties.generalCategory == .connectorPunctuation {
                name.append("_")
            } else if properties.generalCategory == .dashPunctuation {
                name.append("-")
            } else if properties.isAlphabetic || properties.numericType != nil {
                name.append(scalar)
            } else {
                break
            }
            length += 1
        }
        guard !name.isEmpty else { return false }
        let folded = String(name).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return fences.contains(folded)
    }
}
