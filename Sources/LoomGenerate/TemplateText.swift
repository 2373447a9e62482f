import LoomCore

/// Fills `{placeholder}` slots of a template phrasing. `{Name}` (capitalised) fills in the value of `name`
/// with its first letter in upper case.
enum TemplateText {
    struct MissingBinding: Error, CustomStringConvertible {
        var name: String
        var template: String
        var description: String { "template \"\(template)\" uses {\(name)}, which this intent does not provide" }
    }

    static func fill(_ template: String, _ bindings: [String: String]) throws -> String {
        var out = ""
        out.reserveCapacity(template.utf8.count + 32)
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = bindings[name] {
                out += value
            } else if let first = name.first, first.isUppercase,
                let value = bindings[first.lowercased() + name.dropFirst()]
            {
                out += Phrasing.capitalized(value)
            } else {
                throw MissingBinding(name: name, template: template)
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }
}
