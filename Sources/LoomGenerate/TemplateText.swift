import LoomCore

/// Fills `{placeholder}` slots of a template phrasing. `{Name}` (capitalised) fills in the value of `name`
/// with its first letter in upper case.
enum TemplateText {
    struct MissingBinding: Error, CustomStringConvertible {
        var name: String
        var template: String
        var description: String { "template \"\(template)\" uses {\(name)}, which this intent does not provide" }
    }

    /// - Parameter overrides: values that win over `bindings` for the same name (saves merging two sets of bindings
    ///   for every question: generation fills millions of these).
    static func fill(_ template: String, _ bindings: TemplateBindings, overrides: TemplateBindings = [:]) throws -> String {
        // Braces are ASCII: the template is scanned and copied as UTF-8 bytes, without grapheme breaking or
        // string slicing, which cost more than the rest of the fill.
        var source = template
        let filled: [UInt8]? = try source.withUTF8 { bytes in
            guard var open = bytes.firstIndex(of: 0x7B) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 48)
            var copied = 0
            while true {
                guard let close = bytes[open...].firstIndex(of: 0x7D) else { break }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<open]))
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<close]), as: UTF8.self)
                if let value = overrides[name] ?? bindings[name] {
                    Self.append(value, to: &out)
                } else if let first = name.first, first.isUppercase {
                    let lowered = first.lowercased() + name.dropFirst()
                    guard let value = overrides[lowered] ?? bindings[lowered] else {
                        throw MissingBinding(name: name, template: template)
                    }
                    Self.append(Phrasing.capitalized(value), to: &out)
                } else {
                    throw MissingBinding(name: name, template: template)
                }
                copied = close + 1
                guard let next = bytes[copied...].firstIndex(of: 0x7B) else { break }
                open = next
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            return out
        }
        guard let filled else { return template }
        return String(decoding: filled, as: UTF8.self)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
