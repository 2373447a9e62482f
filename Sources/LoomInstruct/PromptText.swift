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
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            if let close = rest[after...].firstIndex(of: "}"), let value = values[String(rest[after..<close])] {
                out += value
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
}
