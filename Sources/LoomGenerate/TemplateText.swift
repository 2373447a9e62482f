import LoomCore

/// Fills `{placeholder}` slots of a template phrasing. `{Name}` (capitalised) fills in the value of `name`
/// with its first letter in upper case.
enum TemplateText {
    struct MissingBinding: Error, CustomStringConvertible {
        var name: String
        var template: String
        var description: String { "template \"\(template)\" uses {\(name)}, which this intent does not provide" }
    }

    /// - Parameter overrides: values that win over `bindings` for the same name (saves merging two dictionaries
    ///   for every question: generation fills millions of these).
    static func fill(_ template: String, _ bindings: [String: String], overrides: [String: String] = [:]) throws -> String {
        // Braces are ASCII, so the UTF-8 positions found here are valid `String.Index`es of the template; scanning
        // bytes avoids grapheme breaking, which cost more than the rest of the fill.
        let utf8 = template.utf8
        guard var open = utf8.firstIndex(of: 0x7B) else { return template }
        var out = ""
        out.reserveCapacity(utf8.count + 32)
        var copied = utf8.startIndex
        while true {
            guard let close = utf8[open...].firstIndex(of: 0x7D) else { break }
            out += template[copied..<open]
            let name = String(template[utf8.index(after: open)..<close])
            if let value = overrides[name] ?? bindings[name] {
                out += value
            } else if let first = name.first, first.isUppercase {
                let lowered = first.lowercased() + name.dropFirst()
                guard let value = overrides[lowered] ?? bindings[lowered] else {
                    throw MissingBinding(name: name, template: template)
                }
                out += Phrasing.capitalized(value)
            } else {
                throw MissingBinding(name: name, template: template)
            }
            copied = utf8.index(after: close)
            guard let next = utf8[copied...].firstIndex(of: 0x7B) else { break }
            open = next
        }
        out += template[copied...]
        return out
    }
}
