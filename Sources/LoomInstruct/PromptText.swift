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
    /// full-width `＜`), then, past any spaces, line breaks and invisible or combining characters, an optional `/`,
    /// then a name that, folded (case, accents, width) and with those characters left out, starts with a fence's
    /// name. No closing `>` is needed: a reader takes `</description` for the tag too.
    static func defused(_ value: String, fences: [String]) -> String {
        guard value.unicodeScalars.contains(where: isOpeningBracket) else { return value }
        let scalars = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            if isOpeningBracket(scalar), startsFenceTag(scalars, after: index, fences: fences) {
                out.append("[")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isOpeningBracket(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "<" || scalar == "\u{FF1C}" || scalar == "\u{FE64}"
    }

    /// Spaces, line breaks, invisible characters (zero-width joiners, direction marks) and combining marks: what a
    /// reader does not see between a bracket and a name.
    private static func isUnseen(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control, .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return properties.isWhitespace || properties.isDefaultIgnorableCodePoint
        }
    }

    /// Whether the scalars after the bracket at `index` spell (an optional slash and) a fence's name.
    private static func startsFenceTag(_ scalars: [Unicode.Scalar], after index: Int, fences: [String]) -> Bool {
        var position = index + 1
        var name = String.UnicodeScalarView()
        var sawSlash = false
        while position < scalars.count, name.count < 64 {
            let scalar = scalars[position]
            position += 1
            if isUnseen(scalar) { continue }
            if name.isEmpty, !sawSlash, scalar == "/" || scalar == "\u{FF0F}" {
                sawSlash = true
                continue
            }
            guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" || scalar == "-"
            else { break }
            name.append(scalar)
        }
        guard !name.isEmpty else { return false }
        let folded = String(name).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return fences.contains { folded.hasPrefix($0) }
    }
}
