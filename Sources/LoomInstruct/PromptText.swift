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
    /// instructions inside. A value cannot forge those tags: wherever it holds one of the template's tags
    /// (in any case, with spaces inside the brackets), the brackets become square ones (`[/description]`).
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

    /// The names of the tags a template closes (`</name>`, lowercase letters and underscores): its fences.
    static func fenceTags(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "</") {
            let after = rest[open.upperBound...]
            let name = after.prefix { ("a"..."z").contains($0) || $0 == "_" }
            if !name.isEmpty, after.dropFirst(name.count).first == ">", !names.contains(String(name)) { names.append(String(name)) }
            rest = after
        }
        return names
    }

    /// `value` with every opening or closing tag named in `fences` written with square brackets.
    static func defused(_ value: String, fences: [String]) -> String {
        guard value.contains("<") else { return value }
        var out = ""
        var rest = value[...]
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            // `<`, spaces, an optional `/`, spaces, the name in any case, spaces, `>`.
            var cursor = rest[rest.index(after: open)...].drop { $0 == " " }
            let closing = cursor.first == "/"
            if closing { cursor = cursor.dropFirst().drop { $0 == " " } }
            let name = cursor.prefix { $0.isLetter || $0 == "_" }
            let tail = cursor.dropFirst(name.count).drop { $0 == " " }
            if !name.isEmpty, tail.first == ">", fences.contains(name.lowercased()) {
                out += (closing ? "[/" : "[") + name + "]"
                rest = tail.dropFirst()
            } else {
                out += "<"
                rest = rest[rest.index(after: open)...]
            }
        }
        out += rest
        return out
    }
}
