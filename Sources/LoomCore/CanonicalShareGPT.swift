/// Recognizes a ShareGPT conversation stored exactly as `Record.shareGPTJSON` writes it, in ASCII.
///
/// Reading such text into turns and writing them again gives the same bytes, so an export that writes ShareGPT
/// (LLaVA, Mantis) copies it as it is: building a string per turn and escaping it again was a sixth of the
/// time of those exports' reading thread. The check is strict: any escape the writer would not produce, or any
/// byte outside ASCII, sends the conversation down the reading path instead.
public enum CanonicalShareGPT {
    private static let humanOpening: StaticString = #"{"from": "human", "value": ""#
    private static let gptOpening: StaticString = #"{"from": "gpt", "value": ""#

    /// Whether `bytes` are a conversation in the canonical layout (`[]`, or turns joined by `, `).
    public static func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func take(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
            index += count
            return true
        }
        guard take("[") else { return false }
        if take("]") { return index == bytes.count }
        while true {
            guard take(humanOpening) || take(gptOpening), canonicalString(bytes, from: &index), take("}") else {
                return false
            }
            if take("]") { return index == bytes.count }
            guard take(", ") else { return false }
        }
    }

    /// Steps over a string's contents and its closing quote; false unless every byte is ASCII from space to DEL or one
    /// of the escapes `JSONText.writeQuoted` writes for what it escapes.
    private static func canonicalString(_ bytes: UnsafeBufferPointer<UInt8>, from index: inout Int) -> Bool {
        while index < bytes.count {
            index = skipPlainASCII(bytes, from: index)
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            switch byte {
            case 0x22:
                index += 1
                return true
            case 0x5C:
                guard index + 1 < bytes.count else { return false }
                switch bytes[index + 1] {
                case 0x22, 0x5C, 0x6E, 0x72, 0x74:  // \" \\ \n \r \t
                    index += 2
                case 0x75:  // \uXXXX
                    guard index + 5 < bytes.count, canonicalUnicodeEscape(bytes, at: index + 2) else { return false }
                    index += 6
                default:
                    return false
                }
            case 0x20..<0x80:
                index += 1
            default:
                return false
            }
        }
        return false
    }

    /// The index of the first byte at or after `start` that is not plain text (a quote, a backslash, a control
    /// character or a byte outside ASCII), or where no whole 8 bytes are left. Eight bytes at a time: a
    /// conversation is mostly plain text, and this check is on the path of every row an export reads.
    private static func skipPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // A byte below 0x20, then a quote, then a backslash (a zero byte after the XOR); the high bits
            // flag bytes outside ASCII, and any byte the first three tests misjudge for a borrow.
            let control = (word &- ones &* 0x20) & ~word
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            let special = control | ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | word
            if special & highs != 0 { return index }
            index += 8
        }
        return index
    }

    /// The four hex digits at `start`: a control character other than line feed, carriage return and tab (those
    /// have short escapes), in lowercase hex, or U+2028 / U+2029.
    private static func canonicalUnicodeEscape(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        let (a, b, c, d) = (bytes[start], bytes[start + 1], bytes[start + 2], bytes[start + 3])
        if a == 0x32 && b == 0x30 && c == 0x32 { return d == 0x38 || d == 0x39 }  // 2028, 2029
        guard a == 0x30, b == 0x30, c == 0x30 || c == 0x31 else { return false }
        let low: UInt8
        switch d {
        case 0x30...0x39: low = d - 0x30
        case 0x61...0x66: low = d - 0x57
        default: return false
        }
        let value = (c - 0x30) << 4 | low
        return value != 0x0A && value != 0x0D && value != 0x09
    }
}
