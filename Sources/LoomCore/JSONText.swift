/// Minimal JSON writing for the few fixed shapes Loom stores and exports: faster than `JSONEncoder` on big exports
/// and byte-for-byte predictable.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included. Non-ASCII characters are written as UTF-8.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal to a byte buffer.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ appendQuoted(utf8: $0, to: &out) }) {
            return done
        }
        var copy = text
        copy.withUTF8 { appendQuoted(utf8: $0, to: &out) }
    }

    /// Appends UTF-8 bytes as a JSON string literal.
    public static func appendQuoted(utf8 input: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        writeQuoted(utf8: input, to: &out)
    }

    /// Appends UTF-8 bytes as a JSON string literal to any sink. (The public entry points take arrays: a generic
    /// called from another module would not be specialized, and would pay for it on every byte.)
    static func writeQuoted<Sink: JSONByteSink & ~Copyable>(utf8 input: UnsafeBufferPointer<UInt8>, to out: inout Sink) {
        out.append(0x22)
        // Most text needs no escaping at all: one scan, one copy.
        var index = firstAttention(in: input, from: 0)
        guard index < input.count else {
            out.append(contentsOf: input)
            out.append(0x22)
            return
        }
        var runStart = 0
        while index < input.count {
            let byte = input[index]
            // The escape's bytes go straight into `out` (an array per escape cost more than the copying: most
            // questions hold line breaks).
            let length: Int
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09:
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                out.append(0x5C)
                out.append(byte == 0x0A ? 0x6E : byte == 0x0D ? 0x72 : byte == 0x09 ? 0x74 : byte)
                length = 1
            case 0..<0x20:
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                out.append(0x5C)
                out.append(0x75)
                out.append(0x30)
                out.append(0x30)
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0xF))
                length = 1
            case 0xE2 where index + 2 < input.count && input[index + 1] == 0x80
                && (input[index + 2] == 0xA8 || input[index + 2] == 0xA9):
                // U+2028 and U+2029 are legal JSON but break JavaScript parsers.
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                out.append(0x5C)
                out.append(0x75)
                out.append(0x32)
                out.append(0x30)
                out.append(0x32)
                out.append(input[index + 2] == 0xA8 ? 0x38 : 0x39)
                length = 3
            default:
                index = firstAttention(in: input, from: index + 1)
                continue
            }
            runStart = index + length
            index = firstAttention(in: input, from: runStart)
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<input.count]))
        out.append(0x22)
    }

    /// The position of the first byte from `start` on that `needsAttention`, or `input.count`.
    ///
    /// Eight bytes at a time (SWAR): escaping scans every string a run stores and exports, and the byte-by-byte
    /// scan was the largest part of encoding a record. In each word, a byte's high bit is set in `flags` where
    /// it is below 0x20 or equals `"`, `\` or 0xE2; borrows in these tests only ever run towards higher bytes,
    /// so the lowest flagged byte is always a true one, and it is the only one used.
    static func firstAttention(in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
        var index = start
        if let base = input.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= input.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let flags = ((word &- ones &* 0x20) & ~word & highs)
                    | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C)) | zeroBytes(word ^ (ones &* 0xE2))
                if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < input.count, !needsAttention(input[index]) { index += 1 }
        return index
    }

    /// Bytes that may start an escape: controls, `"`, `\`, and the lead byte of U+2028/U+2029.
    @inline(__always)
    private static func needsAttention(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

    /// A JSON object from key–value pairs whose values are already JSON text, in the given order.
    public static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quoted($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }

    /// A JSON array of values that are already JSON text.
    public static func array(_ items: [String]) -> String {
        "[" + items.joined(separator: ", ") + "]"
    }
}

/// The two ways trainers' JSON spells a conversation's turns.
public enum TurnKeys: Sendable {
    /// `{"from": "human"|"gpt", "value": …}`: LLaVA, Mantis, LLaMA-Factory's sharegpt with default tags.
    case shareGPT
    /// `{"role": "user"|"assistant", "content": …}`: OpenAI-style messages.
    case roleContent

    fileprivate func opening(_ role: Role) -> String {
        switch (self, role) {
        case (.shareGPT, .user): #"{"from": "human", "value": "#
        case (.shareGPT, .assistant): #"{"from": "gpt", "value": "#
        case (.roleContent, .user): #"{"role": "user", "content": "#
        case (.roleContent, .assistant): #"{"role": "assistant", "content": "#
        }
    }
}

extension JSONText {
    /// Appends the turns as a JSON list of objects with the given keys, texts as they are.
    public static func appendTurns(_ turns: [Turn], keys: TurnKeys, to out: inout [UInt8]) {
        out.append(0x5B)
        for (index, turn) in turns.enumerated() {
            if index > 0 { out.append(contentsOf: ", ".utf8) }
            out.append(contentsOf: keys.opening(turn.role).utf8)
            appendQuoted(turn.text, to: &out)
            out.append(0x7D)
        }
        out.append(0x5D)
    }
}

extension Record {
    /// The conversation in ShareGPT form, `[{"from": "human"|"gpt", "value": …}]`: what LLaVA, Mantis and
    /// LLaMA-Factory's sharegpt format read.
    public var shareGPTJSON: String {
        var out: [UInt8] = []
        out.reserveCapacity(64 + turns.reduce(0) { $0 + $1.text.utf8.count + 32 })
        JSONText.appendTurns(turns, keys: .shareGPT, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension Turn {
    /// The turns of a ShareGPT conversation (`[{"from": "human"|"gpt", "value": …}]`), or nil when the text is
    /// not one; other `from` values than "human" are read as the assistant.
    public static func turns(fromShareGPT json: String) -> [Turn]? {
        var json = json
        return json.withUTF8 { turns(fromShareGPT: $0) }
    }

    /// The turns of a ShareGPT conversation given as UTF-8 bytes (a column read straight from the store).
    public static func turns(fromShareGPT json: UnsafeBufferPointer<UInt8>) -> [Turn]? {
        if let turns = storedShareGPT(json) { return turns }
        guard case .array(let items)? = try? JSONValue.parse(Array(json)) else { return nil }
        var turns: [Turn] = []
        turns.reserveCapacity(items.count)
        for item in items {
            guard case .object(let fields) = item, let value = fields["value"]?.stringValue else { return nil }
            turns.append(Turn(role: fields["from"]?.stringValue == "human" ? .user : .assistant, text: value))
        }
        return turns
    }

    private static let humanOpening = Array(#"{"from": "human", "value": "#.utf8)
    private static let gptOpening = Array(#"{"from": "gpt", "value": "#.utf8)

    /// Reads exactly the layout `Record.shareGPTJSON` writes, without building a JSON tree (exports read millions
    /// of these); nil for anything else, which the general parser then reads.
    private static func storedShareGPT(_ bytes: UnsafeBufferPointer<UInt8>) -> [Turn]? {
        guard bytes.first == 0x5B else { return nil }
        var parser = JSONParser(bytes: bytes)
        parser.index = 1
        var turns: [Turn] = []
        turns.reserveCapacity(4)
        func opens(_ opening: [UInt8]) -> Bool {
            guard parser.index + opening.count <= bytes.count else { return false }
            for offset in 0..<opening.count where bytes[parser.index + offset] != opening[offset] { return false }
            parser.index += opening.count
            return true
        }
        if bytes.count == 2 && bytes[1] == 0x5D { return [] }
        while true {
            let role: Role
            if opens(humanOpening) {
                role = .user
            } else if opens(gptOpening) {
                role = .assistant
            } else {
                return nil
            }
            guard parser.index < bytes.count, bytes[parser.index] == 0x22, let text = try? parser.string() else { return nil }
            turns.append(Turn(role: role, text: text))
            guard parser.index < bytes.count, bytes[parser.index] == 0x7D else { return nil }
            parser.index += 1
            guard parser.index < bytes.count else { return nil }
            if bytes[parser.index] == 0x5D { return parser.index + 1 == bytes.count ? turns : nil }
            guard parser.index + 1 < bytes.count, bytes[parser.index] == 0x2C, bytes[parser.index + 1] == 0x20 else { return nil }
            parser.index += 2
        }
    }
}
