/// Minimal JSON writing for the few fixed shapes Loom stores and exports: faster than `JSONEncoder` on big exports
/// and byte-for-byte predictable.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included. Non-ASCII characters are written as UTF-8.
    public static func quoted(_ text: String) -> String {
        var text = text
        return text.withUTF8 { input in
            // Most text needs no escaping: copy it whole.
            if !input.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
                var out = [UInt8]()
                out.reserveCapacity(input.count + 2)
                out.append(0x22)
                out.append(contentsOf: input)
                out.append(0x22)
                return String(decoding: out, as: UTF8.self)
            }
            var out = [UInt8]()
            out.reserveCapacity(input.count + 16)
            out.append(0x22)
            var index = 0
            let hex = Array("0123456789abcdef".utf8)
            while index < input.count {
                let byte = input[index]
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case 0..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                case 0xE2 where index + 2 < input.count && input[index + 1] == 0x80
                    && (input[index + 2] == 0xA8 || input[index + 2] == 0xA9):
                    // U+2028 and U+2029 are legal JSON but break JavaScript parsers.
                    out += Array("\\u202".utf8) + [input[index + 2] == 0xA8 ? 0x38 : 0x39]
                    index += 2
                default: out.append(byte)
                }
                index += 1
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
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
