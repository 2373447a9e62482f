import Foundation

/// A strict recursive-descent JSON parser over bytes: faster than `JSONDecoder` into an enum (no trial decoding),
/// and its errors say what was expected where.
public struct JSONParser {
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    public var index = 0
    private var depth = 0
    private static let maxDepth = 512

    public init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses the whole buffer as one value.
    public mutating func document() throws(JSONParseError) -> JSONValue {
        skipSpace()
        let value = try self.value()
        skipSpace()
        guard index == bytes.count else { throw failure("unexpected text after the value") }
        return value
    }

    // MARK: Streaming: reading a known shape without building a tree

    /// Reads any value at the current position (whitespace before it skipped).
    public mutating func anyValue() throws(JSONParseError) -> JSONValue {
        skipSpace()
        return try value()
    }

    /// Reads the object at the current position member by member: `body` gets each name with the parser at the
    /// member's value, and must read (or skip) exactly that value.
    public mutating func forEachMember(_ body: (inout JSONParser, String) throws(JSONParseError) -> Void) throws(JSONParseError) {
        skipSpace()
        guard index < bytes.count, bytes[index] == 0x7B else { throw failure("expected an object") }
        try enter()
        defer { depth -= 1 }
        index += 1
        skipSpace()
        if index < bytes.count && bytes[index] == 0x7D {
            index += 1
            return
        }
        while true {
            guard index < bytes.count, bytes[index] == 0x22 else { throw failure("expected a member name in quotes") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw failure("expected ':'") }
            index += 1
            skipSpace()
            try body(&self, key)
            skipSpace()
            guard index < bytes.count else { throw failure("unclosed object") }
            if bytes[index] == 0x7D {
                index += 1
                return
            }
            guard bytes[index] == 0x2C else { throw failure("expected ',' or '}'") }
            index += 1
            skipSpace()
        }
    }

    /// Reads the array at the current position element by element: `body` must read exactly one value.
    public mutating func forEachElement(_ body: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        skipSpace()
        guard index < bytes.count, bytes[index] == 0x5B else { throw failure("expected an array") }
        try enter()
        defer { depth -= 1 }
        index += 1
        skipSpace()
        if index < bytes.count && bytes[index] == 0x5D {
            index += 1
            return
        }
        while true {
            skipSpace()
            try body(&self)
            skipSpace()
            guard index < bytes.count else { throw failure("unclosed array") }
            if bytes[index] == 0x5D {
                index += 1
                return
            }
            guard bytes[index] == 0x2C else { throw failure("expected ',' or ']'") }
            index += 1
        }
    }

    /// Reads a string value; throws for any other kind.
    public mutating func stringValue() throws(JSONParseError) -> String {
        skipSpace()
        guard index < bytes.count, bytes[index] == 0x22 else { throw failure("expected a string") }
        return try string()
    }

    /// Reads an array of strings.
    public mutating func stringArray() throws(JSONParseError) -> [String] {
        var strings: [String] = []
        try forEachElement { (parser: inout JSONParser) throws(JSONParseError) in strings.append(try parser.stringValue()) }
        return strings
    }

    /// Reads an integer that fits 64 bits, signed or not (seeds use the whole unsigned range); throws for
    /// fractions, exponents and anything else.
    public mutating func integerValue() throws(JSONParseError) -> (negative: Bool, magnitude: UInt64) {
        skipSpace()
        let negative = index < bytes.count && bytes[index] == 0x2D
        if negative { index += 1 }
        let start = index
        var magnitude: UInt64 = 0
        while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - 0x30))
            guard !overflow1 && !overflow2 else { throw failure("integer out of range") }
            magnitude = sum
            index += 1
        }
        guard index > start else { throw unexpected() }
        if bytes[start] == 0x30 && index - start > 1 { throw failure("leading zero in a number") }
        if index < bytes.count && (bytes[index] == 0x2E || bytes[index] == 0x65 || bytes[index] == 0x45) {
            throw failure("expected an integer")
        }
        return (negative, magnitude)
    }

    /// True (and past it) when the value at the current position is `null`.
    public mutating func skipNull() -> Bool {
        skipSpace()
        guard index + 4 <= bytes.count, bytes[index] == 0x6E, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C,
            bytes[index + 3] == 0x6C
        else { return false }
        index += 4
        return true
    }

    /// Steps over the value at the current position without building it (strings are still checked).
    public mutating func skipValue() throws(JSONParseError) {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case 0x7B: try forEachMember { (parser: inout JSONParser, _: String) throws(JSONParseError) in try parser.skipValue() }
        case 0x5B: try forEachElement { (parser: inout JSONParser) throws(JSONParseError) in try parser.skipValue() }
        case 0x22: try skipString()
        default: _ = try value()
        }
    }

    /// Steps over a string literal without decoding it.
    private mutating func skipString() throws(JSONParseError) {
        let open = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                index += 1
                return
            }
            if byte < 0x20 { throw failure("control character in a string") }
            index += byte == 0x5C ? 2 : 1
        }
        index = open
        throw failure("unterminated string")
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: index)
    }

    private func unexpected() -> JSONParseError {
        guard index < bytes.count else { return failure("unexpected end") }
        let byte = bytes[index]
        if byte >= 0x20 && byte < 0x7F { return failure("unexpected '\(Character(Unicode.Scalar(byte)))'") }
        return failure("unexpected byte 0x\(String(byte, radix: 16, uppercase: true))")
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end") }
        switch bytes[index] {
        case 0x7B: return try object()
        case 0x5B: return try array()
        case 0x22: return .string(try string())
        case 0x74: return try literal("true", .bool(true))
        case 0x66: return try literal("false", .bool(false))
        case 0x6E: return try literal("null", .null)
        case 0x2D, 0x30...0x39: return try number()
        default: throw unexpected()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw unexpected() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw unexpected() }
        index += count
        return value
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maxDepth { throw failure("nested more than \(JSONParser.maxDepth) levels deep") }
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count && bytes[index] == 0x7D {
            index += 1
            return .object(members)
        }
        while true {
            guard index < bytes.count, bytes[index] == 0x22 else { throw failure("expected a member name in quotes") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw failure("expected ':'") }
            index += 1
            skipSpace()
            members[key] = try value()
            skipSpace()
            guard index < bytes.count else { throw failure("unclosed object") }
            if bytes[index] == 0x7D {
                index += 1
                return .object(members)
            }
            guard bytes[index] == 0x2C else { throw failure("expected ',' or '}'") }
            index += 1
            skipSpace()
        }
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count && bytes[index] == 0x5D {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipSpace()
            guard index < bytes.count else { throw failure("unclosed array") }
            if bytes[index] == 0x5D {
                index += 1
                return .array(elements)
            }
            guard bytes[index] == 0x2C else { throw failure("expected ',' or ']'") }
            index += 1
            skipSpace()
        }
    }

    /// A string literal starting at the opening quote; escapes resolved, `\uD83D\uDE00` pairs joined.
    /// Parses a string starting at `index`.
    public mutating func string() throws(JSONParseError) -> String {
        let open = index
        index += 1
        // First find the closing quote; a string without escapes is its bytes as they stand.
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 { break }
            if byte < 0x20 { throw failure("control character in a string") }
            if byte == 0x5C {
                hasEscapes = true
                index += 2
            } else {
                index += 1
            }
        }
        guard index < bytes.count else {
            index = open
            throw failure("unterminated string")
        }
        let close = index
        index = close + 1
        let raw = UnsafeBufferPointer(rebasing: bytes[(open + 1)..<close])
        if !hasEscapes { return String(decoding: raw, as: UTF8.self) }
        // Decoded text is never longer than its escaped form, so it is written straight into the string's storage.
        var problem: (offset: Int, message: String)?
        let text = String(unsafeUninitializedCapacity: raw.count) { out in
            var written = 0
            var cursor = 0
            func put(_ byte: UInt8) {
                out[written] = byte
                written += 1
            }
            func hex4(at position: Int) -> UInt32? {
                guard position + 4 <= raw.count else { return nil }
                var value: UInt32 = 0
                for offset in 0..<4 {
                    let byte = raw[position + offset]
                    let digit: UInt8
                    switch byte {
                    case 0x30...0x39: digit = byte - 0x30
                    case 0x41...0x46: digit = byte - 0x41 + 10
                    case 0x61...0x66: digit = byte - 0x61 + 10
                    default: return nil
                    }
                    value = value << 4 | UInt32(digit)
                }
                return value
            }
            while cursor < raw.count {
                let byte = raw[cursor]
                guard byte == 0x5C else {
                    put(byte)
                    cursor += 1
                    continue
                }
                let escape = raw[cursor + 1]
                cursor += 2
                switch escape {
                case 0x22, 0x5C, 0x2F: put(escape)
                case 0x62: put(0x08)
                case 0x66: put(0x0C)
                case 0x6E: put(0x0A)
                case 0x72: put(0x0D)
                case 0x74: put(0x09)
                case 0x75:
                    guard var scalar = hex4(at: cursor) else {
                        problem = (open + 1 + cursor - 2, "bad \\u escape")
                        return 0
                    }
                    cursor += 4
                    if (0xD800...0xDBFF).contains(scalar), cursor + 1 < raw.count, raw[cursor] == 0x5C,
                        raw[cursor + 1] == 0x75
                    {
                        guard let low = hex4(at: cursor + 2) else {
                            problem = (open + 1 + cursor, "bad \\u escape")
                            return 0
                        }
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            cursor += 6
                        }
                    }
                    // A lone surrogate cannot be text: it becomes U+FFFD.
                    for unit in UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}")! { put(unit) }
                default:
                    problem = (open + 1 + cursor - 1, "bad escape '\\\(Character(Unicode.Scalar(escape)))'")
                    return 0
                }
            }
            return written
        }
        if let problem {
            index = problem.offset
            throw failure(problem.message)
        }
        return text
    }

    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == 0x2D { index += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) {
                parser.index += 1
            }
            return parser.index - from
        }
        let whole = index
        guard digits(&self) > 0 else { throw unexpected() }
        if bytes[whole] == 0x30 && index - whole > 1 {
            index = start
            throw failure("leading zero in a number")
        }
        if index < bytes.count && bytes[index] == 0x2E {
            isInteger = false
            index += 1
            guard digits(&self) > 0 else { throw failure("expected digits after '.'") }
        }
        if index < bytes.count && (bytes[index] == 0x65 || bytes[index] == 0x45) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == 0x2B || bytes[index] == 0x2D) { index += 1 }
            guard digits(&self) > 0 else { throw failure("expected digits in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else { throw failure("number out of range") }
        return .number(number)
    }
}
