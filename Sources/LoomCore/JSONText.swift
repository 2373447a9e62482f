/// Minimal JSON writing for the few fixed shapes Loom stores and exports: faster than `JSONEncoder` on big exports
/// and byte-for-byte predictable.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included. Non-ASCII characters are written as UTF-8.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"  // legal JSON, but breaks JavaScript parsers
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    /// A JSON object from key–value pairs whose values are already JSON text, in the given order.
    public static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quoted($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }

    /// A JSON array of values that are already JSON text.
    public static func array(_ items: [String]) -> String {
        "[" + items.joined(separator: ", ") + "]"
    }
}

extension Record {
    /// The conversation in ShareGPT form, `[{"from": "human"|"gpt", "value": …}]`: what LLaVA, Mantis and
    /// LLaMA-Factory's sharegpt format read.
    public var shareGPTJSON: String {
        JSONText.array(
            turns.map { turn in
                JSONText.object([
                    ("from", JSONText.quoted(turn.role == .user ? "human" : "gpt")), ("value", JSONText.quoted(turn.text)),
                ])
            })
    }
}
