/// Splits text into lower-case terms the way scikit-learn's `TfidfVectorizer` does by default
/// (`lowercase=True`, `token_pattern=r"(?u)\b\w\w+\b"`): maximal runs of word characters (letters, digits, marks
/// and `_`), kept when at least two characters long. Matching its rules keeps Loom's neighbours comparable with
/// the scikit-learn script the benchmark runs against. Han and kana are the exception (`spacelessTerms`).
public enum TermTokenizer {
    /// Calls `body` with each term of `text`, in order.
    public static func forEachTerm(in text: String, _ body: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = -1
            var ascii = true
            var index = 0
            func emit(_ end: Int) {
                defer { start = -1; ascii = true }
                guard start >= 0 else { return }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if ascii {
                    guard slice.count >= 2 else { return }
                    body(String(unsafeUninitializedCapacity: slice.count) { out in
                        for (position, byte) in slice.enumerated() {
                            out[position] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                        }
                        return slice.count
                    })
                } else {
                    let term = String(decoding: slice, as: UTF8.self).lowercased()
                    if term.unicodeScalars.contains(where: isSpaceless) {
                        spacelessTerms(term, body)
                    } else if term.unicodeScalars.count >= 2 {
                        body(term)
                    }
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if isASCIIWord(byte) {
                        if start < 0 { start = index }
                    } else {
                        emit(index)
                    }
                    index += 1
                    continue
                }
                // A multi-byte scalar: decode it to ask whether it is a word character.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                let end = min(index + length, bytes.count)
                var decoder = UTF8()
                var iterator = UnsafeBufferPointer(rebasing: bytes[index..<end]).makeIterator()
                var isWord = false
                if case .scalarValue(let scalar) = decoder.decode(&iterator) { isWord = isWordScalar(scalar) }
                if isWord {
                    if start < 0 { start = index }
                    ascii = false
                } else {
                    emit(index)
                }
                index = end
            }
            emit(bytes.count)
        }
    }

    /// Chinese and Japanese write no spaces, so a whole clause is one run of word characters (one term that only
    /// an identical clause would share). Their characters become overlapping pairs instead ("有几只猫" gives
    /// "有几", "几只", "只猫"), the usual terms for CJK retrieval; other parts of the run stay whole.
    private static func spacelessTerms(_ term: String, _ body: (String) -> Void) {
        var other = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        func flushOther() {
            if other.count >= 2 { body(String(other)) }
            other = String.UnicodeScalarView()
        }
        for scalar in term.unicodeScalars {
            if isSpaceless(scalar) {
                flushOther()
                if let previous {
                    var pair = String.UnicodeScalarView()
                    pair.append(previous)
                    pair.append(scalar)
                    body(String(pair))
                }
                previous = scalar
            } else {
                previous = nil
                other.append(scalar)
            }
        }
        flushOther()
    }

    /// Han or kana.
    private static func isSpaceless(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }

    /// The terms of `text`, in order.
    public static func terms(in text: String) -> [String] {
        var terms: [String] = []
        forEachTerm(in: text) { terms.append($0) }
        return terms
    }

    @inline(__always)
    static func isASCIIWord(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    /// Python's `\w` for `str` patterns: alphanumeric (letters, and numbers of any numeric type) or `_`; Loom
    /// also keeps combining marks inside words, so accented text in decomposed form stays one term.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType != nil { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
