/// Exact-duplicate keys: the text's comparison form (`NormalizedText`, the same form MinHash shingles) hashed to a
/// stable 64 bits, and hashes combined.
public enum DedupText {
    /// `text` as duplicates are compared (see `NormalizedText`).
    public static func normalized(_ text: String) -> String {
        NormalizedText.normalized(text)
    }

    /// FNV-1a over the UTF-8 bytes, finished with a 64-bit mix: the same in every process and on every platform.
    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return mix(hash)
    }

    /// Two hashes as one.
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        mix(a ^ (b &+ 0x9e37_79b9_7f4a_7c15 &+ (a << 6) &+ (a >> 2)))
    }

    /// The finalizer of SplitMix64.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
