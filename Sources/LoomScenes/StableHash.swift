/// A 64-bit FNV-1a hash: identical on every platform and in every process (unlike `Hasher`, which is seeded
/// per process), so the renderer can derive texture randomness from scene content.
enum StableHash {
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
