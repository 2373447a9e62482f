import Foundation

/// Substring search over UTF-8 bytes. Foundation's `range(of:)`, `components(separatedBy:)` and
/// `trimmingCharacters(in:)` bridge through NSString on Linux and dominated generation time when measured.
public enum TextSearch {
    /// Byte offsets of every non-overlapping occurrence of `needle` in `text`.
    public static func occurrences(of needle: String, in text: String) -> [Int] {
        var found: [Int] = []
        forEachOccurrence(of: needle, in: text) { found.append($0) }
        return found
    }

    /// Calls `body` with the byte offset of every non-overlapping occurrence of `needle` in `text`, in order.
    private static func forEachOccurrence(of needle: String, in text: String, _ body: (Int) -> Void) {
        var text = text
        var needle = needle
        text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard !pattern.isEmpty, pattern.count <= haystack.count else { return }
                var start = 0
                let last = haystack.count - pattern.count
                while let candidate = nextStart(of: pattern, in: haystack, from: start, through: last) {
                    if memcmpEqual(haystack, candidate, pattern) {
                        body(candidate)
                        start = candidate + pattern.count
                    } else {
                        start = candidate + 1
                    }
                }
            }
        }
    }

    /// True when `needle` occurs in `text`.
    public static func contains(_ text: String, _ needle: String) -> Bool {
        needle.isEmpty || firstMatch(of: needle, in: text, where: { _, _ in true })
    }

    /// How often `needle` occurs in `text` (non-overlapping).
    public static func count(of needle: String, in text: String) -> Int {
        var count = 0
        forEachOccurrence(of: needle, in: text) { _ in count += 1 }
        return count
    }

    /// True when `phrase` occurs in `text` with no letter or digit directly before or after it.
    public static func containsWords(_ text: String, _ phrase: String) -> Bool {
        guard !phrase.isEmpty else { return false }
        return firstMatch(of: phrase, in: text) { bytes, range in
            isBoundary(range.lowerBound == 0 ? nil : bytes[range.lowerBound - 1])
                && isBoundary(range.upperBound >= bytes.count ? nil : bytes[range.upperBound])
        }
    }

    /// True when some occurrence of `needle` (overlapping ones included) passes `accept`; stops at the first.
    /// No allocation: the validators run these over every answer of a run.
    private static func firstMatch(
        of needle: String, in text: String, where accept: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Bool
    ) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard !pattern.isEmpty, pattern.count <= haystack.count else { return false }
                let last = haystack.count - pattern.count
                var start = 0
                while let candidate = nextStart(of: pattern, in: haystack, from: start, through: last) {
                    if memcmpEqual(haystack, candidate, pattern) && accept(haystack, candidate..<(candidate + pattern.count)) {
                        return true
                    }
                    start = candidate + 1
                }
                return false
            }
        }
    }

    /// Lower case, surrounding white space removed, trailing full stops removed: the form answers are compared in.
    public static func normalized(_ text: String) -> String {
        // Fast path for ASCII text, which almost every answer is.
        if let ascii = asciiNormalized(text) { return ascii }
        var scalars = Substring(text.lowercased()).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace || last == "." { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    private static func asciiNormalized(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
            var start = 0
            var end = bytes.count
            while start < end && isSpace(bytes[start]) { start += 1 }
            while end > start && (isSpace(bytes[end - 1]) || bytes[end - 1] == 0x2E) { end -= 1 }
            // Everything must be ASCII, the trimmed edges included (the caller's general path handles the rest).
            for index in 0..<start where bytes[index] >= 0x80 { return nil }
            for index in end..<bytes.count where bytes[index] >= 0x80 { return nil }
            var ascii = true
            // Lower-cased straight into the new string's storage: no intermediate array.
            let result = String(unsafeUninitializedCapacity: end - start) { out in
                for index in start..<end {
                    let byte = bytes[index]
                    if byte >= 0x80 {
                        ascii = false
                        return 0
                    }
                    out[index - start] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                }
                return end - start
            }
            return ascii ? result : nil
        }
    }

    private static func isBoundary(_ byte: UInt8?) -> Bool {
        guard let byte else { return true }
        // ASCII letters and digits continue a word; so do the bytes of any non-ASCII character.
        let isWord = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80
        return !isWord
    }

    /// The first position in `start...last` holding the pattern's first byte, found with `memchr` (vectorised in
    /// the C library), or nil.
    @inline(__always)
    private static func nextStart(
        of pattern: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from start: Int, through last: Int
    ) -> Int? {
        guard start <= last, let base = haystack.baseAddress,
            let found = memchr(base + start, Int32(pattern[0]), last - start + 1)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    private static func memcmpEqual(_ haystack: UnsafeBufferPointer<UInt8>, _ start: Int, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        for offset in 1..<pattern.count where haystack[start + offset] != pattern[offset] { return false }
        return true
    }
}
