/// The 64-bit non-cryptographic hash behind MinHash: a multiply-fold construction in the style of wyhash, written
/// for Loom. Its one primitive, `fold(a, b)`, multiplies two 64-bit words into 128 bits and XORs the halves; bytes
/// are absorbed eight at a time (little-endian, whatever the platform), so the values are the same everywhere and
/// may be stored. The constants are the fractional parts of the square roots of small primes (odd).
///
/// Band keys are persisted by the quality stage, so changing anything here changes stored keys: the golden values
/// in `MinHashTests` guard it.
enum Hash64 {
    static let wordSeed: UInt64 = 0x6A09_E667_F3BC_C909  // √2
    static let blockKey: UInt64 = 0xBB67_AE85_84CA_A73B  // √3
    static let tailKey: UInt64 = 0x3C6E_F372_FE94_F82B  // √5
    static let finalKey: UInt64 = 0xA54F_F53A_5F1D_36F1  // √7
    static let shingleSeed: UInt64 = 0x510E_527F_ADE6_82D1  // √11
    static let bandSeed: UInt64 = 0x9B05_688C_2B3E_6C1F  // √13

    /// 128-bit product of `a` and `b`, high half XOR low half.
    @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// Final avalanche of an accumulated state.
    @inline(__always)
    static func finish(_ state: UInt64) -> UInt64 {
        fold(state ^ (state >> 32), finalKey)
    }

    /// The hash of `count` bytes at `bytes`: whole 8-byte blocks folded in turn from `wordSeed`, then the last
    /// 0–7 bytes (zero-padded), then the length. `words(in:count:into:)` computes the same values in one pass.
    static func bytes(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var state = wordSeed
        var index = 0
        let raw = UnsafeRawPointer(bytes)
        while count - index >= 8 {
            state = fold(state ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)), blockKey)
            index += 8
        }
        var last: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            last |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        return finish(fold(state ^ last, tailKey) &+ UInt64(truncatingIfNeeded: count))
    }

    /// Appends the hash (as `bytes(_:count:)`) of every word of `count` bytes of single-space-separated words, with
    /// no leading or trailing space, to `hashes`. Reads 8 bytes at a time and finds the end of a word with a
    /// zero-byte test on `block XOR 0x2020…`, so it needs 8 readable bytes after `count`, all spaces.
    static func words(in text: UnsafePointer<UInt8>, count: Int, into hashes: inout [UInt64]) {
        let raw = UnsafeRawPointer(text)
        let spaces: UInt64 = 0x2020_2020_2020_2020
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index < count {
            let start = index
            var state = wordSeed
            while true {
                let block = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let x = block ^ spaces
                // The lowest set high bit marks the first zero byte of x (the first space) exactly.
                let marks = (x &- ones) & ~x & highs
                if marks == 0 {
                    state = fold(state ^ block, blockKey)
                    index += 8
                    continue
                }
                let length = marks.trailingZeroBitCount >> 3
                let last = length == 0 ? 0 : block & (UInt64.max >> UInt64(64 - 8 * length))
                index += length
                hashes.append(finish(fold(state ^ last, tailKey) &+ UInt64(truncatingIfNeeded: index - start)))
                index += 1
                break
            }
        }
    }

    /// The hash of an ordered run of word hashes (a shingle).
    @inline(__always)
    static func shingle(_ words: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var state = shingleSeed ^ UInt64(truncatingIfNeeded: words.count)
        for value in words { state = fold(state ^ value, blockKey) }
        return finish(state)
    }

    /// The key of one band: its index and its rows' values.
    @inline(__always)
    static func band(_ index: Int, _ rows: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var state = bandSeed ^ UInt64(truncatingIfNeeded: index)
        for value in rows { state = fold(state ^ value, blockKey) }
        return finish(state)
    }
}
