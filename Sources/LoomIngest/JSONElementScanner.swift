import LoomCore
import Foundation

/// Finds where JSON values begin and end in a byte buffer without building them, so a huge document (a 450 MB
/// COCO file) can be taken apart into its members and array elements, each then decoded on its own.
///
/// The scanner knows strings (escapes included) and brackets; it checks that brackets pair up and that objects
/// and arrays have the `"key": value, …` / `value, …` shape at the levels it walks. What is inside an element
/// (numbers, literals) is left to the decoder of that element.
struct JSONElementScanner {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// A structural problem at a byte offset.
    struct Failure: Error, Sendable {
        var offset: Int
        var message: String
    }

    /// The index of the first non-whitespace byte at or after `index`.
    func skipSpace(_ index: Int) -> Int {
        var index = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// The index just past the value that starts at `start` (which must not be whitespace).
    func valueEnd(from start: Int) throws(Failure) -> Int {
        guard start < bytes.count else { throw Failure(offset: start, message: "unexpected end of file") }
        switch bytes[start] {
        case 0x22: return try stringEnd(from: start)
        case 0x7B, 0x5B: return try containerEnd(from: start)
        case 0x7D, 0x5D, 0x2C, 0x3A:
            throw Failure(offset: start, message: "unexpected '\(Character(Unicode.Scalar(bytes[start])))'")
        default:
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case 0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D, 0x3A, 0x22, 0x7B, 0x5B: return index
                default: index += 1
                }
            }
            return index
        }
    }

    /// The index just past the string whose opening quote is at `start`.
    func stringEnd(from start: Int) throws(Failure) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case 0x22: return index + 1
            case 0x5C: index += 2
            default: index += 1
            }
        }
        throw Failure(offset: start, message: "unterminated string")
    }

    /// The index just past the object or array opening at `start`, brackets checked to pair up.
    private func containerEnd(from start: Int) throws(Failure) -> Int {
        var closers: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x22:
                index = try stringEnd(from: index)
                continue
            case 0x7B: closers.append(0x7D)
            case 0x5B: closers.append(0x5D)
            case 0x7D, 0x5D:
                guard closers.last == byte else {
                    let expected = closers.last.map { "'\(Character(Unicode.Scalar($0)))'" } ?? "nothing"
                    throw Failure(
                        offset: index,
                        message: "'\(Character(Unicode.Scalar(byte)))' where \(expected) should close")
                }
                closers.removeLast()
                if closers.isEmpty { return index + 1 }
            default: break
            }
            index += 1
        }
        throw Failure(offset: start, message: "unclosed '\(Character(Unicode.Scalar(bytes[start])))'")
    }

    /// Calls `body` with each member of the object opening at `start`: its key (unescaped) and the byte range of
    /// its value. Returns the index just past the object.
    @discardableResult
    func forEachMember(
        ofObjectAt start: Int, _ body: (_ key: String, _ value: Range<Int>) throws -> Void
    ) throws -> Int {
        guard start < bytes.count, bytes[start] == 0x7B else {
            throw Failure(offset: start, message: "expected an object")
        }
        var index = skipSpace(start + 1)
        if index < bytes.count && bytes[index] == 0x7D { return index + 1 }
        while true {
            guard index < bytes.count, bytes[index] == 0x22 else {
                throw Failure(offset: index, message: "expected a member name in quotes")
            }
            let keyEnd = try stringEnd(from: index)
            let key = try string(in: index..<keyEnd)
            index = skipSpace(keyEnd)
            guard index < bytes.count, bytes[index] == 0x3A else {
                throw Failure(offset: index, message: "expected ':' after \"\(key)\"")
            }
            let valueStart = skipSpace(index + 1)
            let valueEnd = try valueEnd(from: valueStart)
            try body(key, valueStart..<valueEnd)
            index = skipSpace(valueEnd)
            guard index < bytes.count else { throw Failure(offset: start, message: "unclosed '{'") }
            if bytes[index] == 0x7D { return index + 1 }
            guard bytes[index] == 0x2C else { throw Failure(offset: index, message: "expected ',' or '}'") }
            index = skipSpace(index + 1)
        }
    }

    /// Calls `body` with the byte range of each element of the array opening at `start`. Returns the index just
    /// past the array.
    @discardableResult
    func forEachElement(ofArrayAt start: Int, _ body: (_ element: Range<Int>) throws -> Void) throws -> Int {
        guard start < bytes.count, bytes[start] == 0x5B else {
            throw Failure(offset: start, message: "expected an array")
        }
        var index = skipSpace(start + 1)
        if index < bytes.count && bytes[index] == 0x5D { return index + 1 }
        while true {
            let end = try valueEnd(from: index)
            try body(index..<end)
            index = skipSpace(end)
            guard index < bytes.count else { throw Failure(offset: start, message: "unclosed '['") }
            if bytes[index] == 0x5D { return index + 1 }
            guard bytes[index] == 0x2C else { throw Failure(offset: index, message: "expected ',' or ']'") }
            index = skipSpace(index + 1)
        }
    }

    /// The text of the JSON string literal occupying `range` (quotes included), escapes resolved.
    func string(in range: Range<Int>) throws(Failure) -> String {
        let inner = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if !inner.contains(0x5C) { return String(decoding: inner, as: UTF8.self) }
        var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: bytes[range]))
        do {
            return try parser.string()
        } catch {
            throw Failure(offset: range.lowerBound + parser.index, message: error.reason)
        }
    }

    /// The bytes of `range` as `Data`, without copying: valid only while the buffer is.
    func data(in range: Range<Int>) -> Data {
        guard !range.isEmpty else { return Data() }
        return Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + range.lowerBound),
            count: range.count, deallocator: .none)
    }

    /// 1-based line and column of a byte offset, for messages.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}
