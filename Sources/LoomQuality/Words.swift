/// Word splitting for the validators and the grounding check: maximal runs of letters and digits (apostrophes
/// inside a word kept), lower-cased. Works on Unicode scalars so any script splits the same way.
enum Words {
    /// The lower-cased words of `text`.
    static func lowercased(_ text: Substring) -> [String] {
        if let ascii = asciiLowercased(text) { return ascii }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                // Trailing apostrophes ("dogs'") are not part of the word.
                while let last = current.last, last == "'" || last == "’" { current.removeLast() }
                if !current.isEmpty { words.append(String(current).lowercased()) }
                current = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil {
                // Ideographic scripts have no spaces: each character is a word of its own.
                if isIdeographic(scalar) {
                    flush()
                    words.append(String(scalar))
                } else {
                    current.append(scalar)
                }
            } else if (scalar == "'" || scalar == "’") && !current.isEmpty {
                current.append("'")
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    static func lowercased(_ text: String) -> [String] { lowercased(text[...]) }

    /// The same split over bytes, for text that is all ASCII (almost every English record); nil otherwise.
    private static func asciiLowercased(_ text: Substring) -> [String]? {
        let result = text.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            var words: [String] = []
            var current: [UInt8] = []
            current.reserveCapacity(32)
            func flush() {
                while current.last == 0x27 { current.removeLast() }
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            }
            for byte in bytes {
                switch byte {
                case 0x80...: return nil
                case 0x41...0x5A: current.append(byte | 0x20)
                case 0x61...0x7A, 0x30...0x39: current.append(byte)
                case 0x27 where !current.isEmpty: current.append(byte)
                default: flush()
                }
            }
            flush()
            return words
        }
        return result ?? nil
    }

    /// The words of `text` joined by single spaces: the form phrases are compared in.
    static func joinedLowercase(_ text: String) -> String { lowercased(text).joined(separator: " ") }

    /// Han, kana and similar scripts written without spaces between words.
    static func isIdeographic(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }
}
