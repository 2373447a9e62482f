/// A media id packed into 32 bytes, so that a lookup table can hold it whole: a 64-character lowercase hex id (a
/// SHA-256 digest, how Loom names media by content) as the 32 bytes it spells, or an id of at most 31 bytes as
/// those bytes, zero-padded. `tag` tells the two apart (and the short ones' lengths): 1–31 for a short id's length,
/// `hexTag` for a digest, 0 for no id.
struct InlineMediaID: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64)
    var tag: UInt8

    static let hexTag: UInt8 = 0xFF
    static let maximumPlainLength = 31
    /// No id: what empty table places hold.
    static let empty = InlineMediaID(words: (0, 0, 0, 0), tag: 0)

    init(words: (UInt64, UInt64, UInt64, UInt64), tag: UInt8) {
        self.words = words
        self.tag = tag
    }

    /// The id these UTF-8 bytes spell, or nil when it is neither a 64-character digest in `0-9a-f` nor 1–31 bytes.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress.map(UnsafeRawPointer.init), !bytes.isEmpty else { return nil }
        if bytes.count == 64, let words = Self.digest(base) {
            self.init(words: words, tag: Self.hexTag)
            return
        }
        guard bytes.count <= Self.maximumPlainLength else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        self.init(words: words, tag: UInt8(bytes.count))
    }

    static func == (lhs: InlineMediaID, rhs: InlineMediaID) -> Bool { lhs.words == rhs.words && lhs.tag == rhs.tag }

    /// A well-spread 64-bit hash of the id (digests are spread already; short ids are not).
    var spreadHash: UInt64 {
        var hash = words.0 ^ (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15)
        hash = ((hash ^ (hash >> 29)) &* 0xBF58_476D_1CE4_E5B9) ^ words.1
        hash = ((hash ^ (hash >> 32)) &* 0x94D0_49BB_1331_11EB) ^ words.2
        hash = ((hash ^ (hash >> 29)) &* 0xBF58_476D_1CE4_E5B9) ^ words.3
        hash = (hash ^ (hash >> 32)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    /// The 32 bytes 64 hex characters spell, or nil when any is not `0-9a-f`.
    private static func digest(_ base: UnsafeRawPointer) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard let first = word(base, 0), let second = word(base, 16), let third = word(base, 32), let fourth = word(base, 48)
        else { return nil }
        return (first, second, third, fourth)
    }

    /// Sixteen hex characters from `offset` as the 64-bit number they spell.
    @inline(__always)
    private static func word(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64? {
        guard let high = parse(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
            let low = parse(base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Eight ASCII hex digits (the first in the lowest byte, as loaded from memory) as the 32-bit number they spell,
    /// all eight checked at once; nil when any is not `0-9` or `a-f`.
    @inline(__always)
    private static func parse(_ chunk: UInt64) -> UInt32? {
        // Every byte below 0x80, so adding up to 0x7F to each cannot carry into the next.
        guard chunk & highBits == 0 else { return nil }
        let atLeastZero = (chunk &+ ones &* 0x50) & highBits  // byte ≥ 0x30 '0'
        let atMostNine = ~(chunk &+ ones &* 0x46) & highBits  // byte ≤ 0x39 '9'
        let atLeastA = (chunk &+ ones &* 0x1F) & highBits  // byte ≥ 0x61 'a'
        let atMostF = ~(chunk &+ ones &* 0x19) & highBits  // byte ≤ 0x66 'f'
        let letters = atLeastA & atMostF
        guard (atLeastZero & atMostNine) | letters == highBits else { return nil }
        // Each byte's value: its low four bits, plus 9 for a letter ('a' is 0x61: 1 + 9 = 10).
        let nibbles = (chunk & (ones &* 0x0F)) &+ (letters >> 7) &* 9
        // Bytes n0 n1 n2 … (n0 first): pair them into n0n1 n2n3 … in 16-bit lanes, then close the gaps.
        var packed = ((nibbles & 0x000F_000F_000F_000F) << 4) | ((nibbles >> 8) & 0x000F_000F_000F_000F)
        packed = (packed | packed >> 8) & 0x0000_FFFF_0000_FFFF
        packed = (packed | packed >> 16) & 0xFFFF_FFFF
        // The first character's pair is now the lowest byte; the number reads it as the highest.
        return UInt32(truncatingIfNeeded: packed).byteSwapped
    }
}
