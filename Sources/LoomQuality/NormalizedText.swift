/// The comparison form of an instruction text, shared by exact and near-duplicate detection.
///
/// The rules, in order:
/// 1. Every `<image>` placeholder (exactly these seven bytes) counts as white space.
/// 2. Media prefix lines are removed: a line (split on `\n`) that holds nothing but placeholders, ASCII white
///    space and labels such as `Image 3:` or `frame 12 :` (`image` or `frame`, ASCII case-insensitive, then ASCII
///    digits, then a colon). So `Image 1: <image>`, `<image>` and `Image 1: <image> Image 2: <image>` lines go;
///    a line such as `Image 2 shows a dog.` stays.
/// 3. Letters, marks and numbers (Unicode general categories L*, M*, N*) are kept, lowercased with each scalar's
///    full lowercase mapping (no context rules, so `Σ` always becomes `σ`). Marks are kept so that decomposed
///    accents and the vowel signs of Indic scripts survive.
/// 4. White space (categories Z*, and U+0009–U+000D, U+0085) separates words; runs of it collapse to one space.
/// 5. Everything else (punctuation, symbols, control characters) is dropped without separating: `don't` becomes
///    `dont`, `10,000` becomes `10000`.
/// 6. The result is trimmed, so words are separated by exactly one ASCII space.
///
/// No Unicode normalization (NFC/NFKC) is applied. ASCII text takes a byte-only path; other text is decoded
/// scalar by scalar, never by `Character`. `benchmarks/datasketch_dedup.py` implements the same rules in Python.
public enum NormalizedText {
    /// `text` in its comparison form (see the type's rules).
    public static func normalized(_ text: String) -> String {
        withUTF8(text) { input in
            String(unsafeUninitializedCapacity: capacity(forInputCount: input.count)) { output in
                normalize(input, into: output.baseAddress!)
            }
        }
    }

    /// The words of `text`'s comparison form, in order.
    public static func words(_ text: String) -> [Substring] {
        let normal = normalized(text)
        var words: [Substring] = []
        let utf8 = normal.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == 0x20 {
                words.append(normal[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { words.append(normal[start..<utf8.endIndex]) }
        return words
    }

    /// Writes the comparison form of `text` as UTF-8 into `buffer`, growing it if needed, and calls `body` with
    /// the written bytes. For hot loops: `buffer` is reused from call to call, so nothing is allocated once it is
    /// large enough.
    public static func withNormalizedUTF8<R>(
        of text: String, buffer: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        try withUTF8(text) { input in
            let needed = capacity(forInputCount: input.count)
            if buffer.count < needed { buffer = [UInt8](repeating: 0, count: max(needed, buffer.count * 2)) }
            return try buffer.withUnsafeMutableBufferPointer { output in
                let count = normalize(input, into: output.baseAddress!)
                return try body(UnsafeBufferPointer(rebasing: output[0..<count]))
            }
        }
    }

    /// As `withNormalizedUTF8(of:buffer:_:)`, with 8 spaces written after the normalized bytes (not counted), for
    /// readers that load 8 bytes at a time.
    static func withSpacePaddedUTF8<R>(
        of text: String, buffer: inout [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R
    ) rethrows -> R {
        try withUTF8(text) { input in
            let needed = capacity(forInputCount: input.count) + 8
            if buffer.count < needed { buffer = [UInt8](repeating: 0, count: max(needed, buffer.count * 2)) }
            return try buffer.withUnsafeMutableBufferPointer { output in
                let base = output.baseAddress!
                let count = normalize(input, into: base)
                (base + count).initialize(repeating: 0x20, count: 8)
                return try body(UnsafePointer(base), count)
            }
        }
    }

    // MARK: - The scan

    /// Output room for `count` input bytes. Lowercasing grows a scalar by at most half its length (U+0130 `İ`,
    /// two bytes, becomes `i` + U+0307, three bytes); separators never add bytes.
    static func capacity(forInputCount count: Int) -> Int { count + count / 2 + 4 }

    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return try copy.withUTF8(body)
    }

    /// Normalizes valid UTF-8 `input` into `output` (room for `capacity(forInputCount:)` bytes); returns the
    /// number of bytes written. One pass: a media line is recognized (and skipped) at each line start; a run of
    /// ASCII letters and digits is copied in a tight loop.
    static func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = input.baseAddress else { return 0 }
        let end = input.count
        var written = 0
        var pendingSpace = false
        var index = 0
        var lineStart = true
        while index < end {
            if lineStart {
                lineStart = false
                if let next = mediaLineEnd(base, index, end) {
                    index = next
                    pendingSpace = true
                    lineStart = true
                    continue
                }
            }
            var byte = base[index]
            if byte < 0x80 {
                if isASCIIWordByte(byte) {
                    if pendingSpace && written > 0 {
                        output[written] = 0x20
                        written += 1
                    }
                    pendingSpace = false
                    repeat {
                        output[written] = byte &- 0x30 < 10 ? byte : byte | 0x20
                        written += 1
                        index += 1
                        guard index < end else { break }
                        byte = base[index]
                    } while isASCIIWordByte(byte)
                    continue
                }
                if byte == 0x0A {
                    pendingSpace = true
                    lineStart = true
                } else if byte == 0x20 || byte &- 0x09 < 5 {
                    pendingSpace = true
                } else if byte == 0x3C && isPlaceholder(base, index, end) {
                    pendingSpace = true
                    index += 7
                    continue
                }
                index += 1
                continue
            }
            let (scalar, length) = decodeScalar(base, index)
            index += length
            switch classify(scalar) {
            case .separator:
                pendingSpace = true
            case .dropped:
                break
            case .kept:
                // Chinese and Japanese write no spaces: each Han or kana character is a word of its own (as `Words`
                // counts them), so near-duplicate shingles and word counts work in those languages too.
                let spaceless = Words.isIdeographic(scalar)
                if (pendingSpace || spaceless) && written > 0 {
                    output[written] = 0x20
                    written += 1
                }
                pendingSpace = spaceless
                let properties = scalar.properties
                if properties.changesWhenLowercased {
                    for byte in properties.lowercaseMapping.utf8 {
                        output[written] = byte
                        written += 1
                    }
                } else {
                    for offset in (index - length)..<index {
                        output[written] = base[offset]
                        written += 1
                    }
                }
            }
        }
        return written
    }

    /// ASCII letter or digit.
    @inline(__always)
    private static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10
    }

    private enum ScalarClass { case kept, separator, dropped }

    private static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        if scalar.value == 0x85 { return .separator }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber:
            return .kept
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return .separator
        default:
            return .dropped
        }
    }

    /// Decodes the scalar starting at a non-ASCII lead byte of valid UTF-8.
    @inline(__always)
    private static func decodeScalar(_ base: UnsafePointer<UInt8>, _ index: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(base[index])
        let value: UInt32
        let length: Int
        if lead < 0xE0 {
            value = (lead & 0x1F) << 6 | UInt32(base[index + 1] & 0x3F)
            length = 2
        } else if lead < 0xF0 {
            value = (lead & 0x0F) << 12 | UInt32(base[index + 1] & 0x3F) << 6 | UInt32(base[index + 2] & 0x3F)
            length = 3
        } else {
            value = (lead & 0x07) << 18 | UInt32(base[index + 1] & 0x3F) << 12 | UInt32(base[index + 2] & 0x3F) << 6
                | UInt32(base[index + 3] & 0x3F)
            length = 4
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// Whether `<image>` starts at `index` (before `end`).
    @inline(__always)
    private static func isPlaceholder(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Bool {
        guard end - index >= 7 else { return false }
        return base[index] == 0x3C && base[index + 1] == 0x69 && base[index + 2] == 0x6D && base[index + 3] == 0x61
            && base[index + 4] == 0x67 && base[index + 5] == 0x65 && base[index + 6] == 0x3E
    }

    /// If the line starting at `start` holds only placeholders, ASCII white space and `image N:` / `frame N:`
    /// labels, a video frame's with its time (`frame 3 (12.5 s):`; an empty line counts: it contributes nothing
    /// either way), the index just past its line break (or
    /// `end`); otherwise nil. Gives up at the first byte that cannot belong to such a line.
    private static func mediaLineEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        func skipSpaceAndPlaceholders() {
            while index < end {
                let byte = base[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C {
                    index += 1
                } else if byte == 0x3C && isPlaceholder(base, index, end) {
                    index += 7
                } else {
                    return
                }
            }
        }
        while true {
            skipSpaceAndPlaceholders()
            if index == end { return end }
            if base[index] == 0x0A { return index + 1 }
            // A label: "image" or "frame", digits, a colon.
            guard end - index >= 5 else { return nil }
            let b0 = base[index] | 0x20, b1 = base[index + 1] | 0x20, b2 = base[index + 2] | 0x20
            let b3 = base[index + 3] | 0x20, b4 = base[index + 4] | 0x20
            let isImage = b0 == 0x69 && b1 == 0x6D && b2 == 0x61 && b3 == 0x67 && b4 == 0x65
            let isFrame = b0 == 0x66 && b1 == 0x72 && b2 == 0x61 && b3 == 0x6D && b4 == 0x65
            guard isImage || isFrame else { return nil }
            index += 5
            skipSpaceAndPlaceholders()
            let digitsStart = index
            while index < end && base[index] &- 0x30 < 10 { index += 1 }
            guard index > digitsStart else { return nil }
            skipSpaceAndPlaceholders()
            // A video frame's time: "(12.5 s)". Left in, one video's labels would make its records look alike.
            if index < end && base[index] == 0x28 {
                let open = index
                index += 1
                // A time starts with a digit ("(see below)" is words).
                guard index < end && base[index] &- 0x30 < 10 else { return nil }
                while index < end && base[index] != 0x29 {
                    let byte = base[index]
                    guard index - open <= 24,
                        byte &- 0x30 < 10 || byte == 0x2E || byte == 0x2C || byte == 0x3A || byte == 0x20 || (byte | 0x20) &- 0x61 < 26
                    else { return nil }
                    index += 1
                }
                guard index < end else { return nil }
                index += 1
                skipSpaceAndPlaceholders()
            }
            guard index < end && base[index] == 0x3A else { return nil }
            index += 1
        }
    }
}
