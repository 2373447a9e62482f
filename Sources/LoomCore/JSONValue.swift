import Foundation

/// A parsed JSON value, for input whose shape is not fixed: manifest lines, dataset rows, model replies.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes` as one JSON document (RFC 8259; whitespace around it allowed).
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
    }

    /// Parses a buffer as one JSON document.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        return try parser.document()
    }

    /// The value as compact JSON text with object keys sorted, so equal values give equal text.
    public var jsonText: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .number(let value): out.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
        case .string(let value): JSONText.appendQuoted(value, to: &out)
        case .array(let values):
            out.append(0x5B)
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(0x2C) }
                value.write(to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(0x2C) }
                JSONText.appendQuoted(key, to: &out)
                out.append(0x3A)
                members[key]!.write(to: &out)
            }
            out.append(0x7D)
        }
    }

    /// "an array", "a string", … for messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// Why some bytes are not JSON, shortly: "expected ':' at column 12".
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, without the place.
    public var message: String
    /// The byte offset where it went wrong, when known.
    public var offset: Int?

    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    /// The message with its column: "expected ':' at column 12".
    public var reason: String { offset.map { "\(message) at column \($0 + 1)" } ?? message }
    public var description: String { reason }

    /// The most specific message a `DecodingError` carries, without Foundation's boilerplate.
    public static func shortReason(_ error: any Error) -> String {
        var message: String?
        switch error {
        case DecodingError.dataCorrupted(let context):
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                message = detail
            } else {
                message = context.debugDescription
            }
        case DecodingError.typeMismatch(_, let context): message = context.debugDescription
        default: break
        }
        var text = message ?? "\(error)"
        while text.hasSuffix(".") { text.removeLast() }
        if let first = text.first { text = first.lowercased() + text.dropFirst() }
        return text
    }
}

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
        var runStart = index
        var decoded: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                index += 1
                if decoded.isEmpty && runStart == open + 1 { return String(decoding: run, as: UTF8.self) }
                decoded.append(contentsOf: run)
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte < 0x20 { throw failure("control character in a string") }
            guard byte == 0x5C else {
                index += 1
                continue
            }
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            guard index + 1 < bytes.count else { break }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case 0x22, 0x5C, 0x2F: decoded.append(escape)
            case 0x62: decoded.append(0x08)
            case 0x66: decoded.append(0x0C)
            case 0x6E: decoded.append(0x0A)
            case 0x72: decoded.append(0x0D)
            case 0x74: decoded.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar), index + 1 < bytes.count, bytes[index] == 0x5C,
                    bytes[index + 1] == 0x75
                {
                    let save = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = save
                    }
                }
                // A lone surrogate cannot be text: it becomes U+FFFD.
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                decoded.append(contentsOf: String(Character(character)).utf8)
            default:
                index -= 1
                throw failure("bad escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
            runStart = index
        }
        index = open
        throw failure("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("bad \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw failure("bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
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
