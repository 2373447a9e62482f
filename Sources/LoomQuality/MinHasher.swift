import LoomCore

/// Computes MinHash signatures and LSH band keys of texts.
///
/// A text is normalized (``NormalizedText``), split into words, and cut into shingles of
/// `parameters.shingleSize` consecutive words. Each word is hashed once from its UTF-8 bytes and each shingle once
/// from its words' hashes, to 64 bits (`Hash64`, a wyhash-style multiply-fold hash written for Loom, ending in an
/// avalanche step). Permutation i maps a shingle hash h to `aᵢ·h + bᵢ mod 2^64`, with `aᵢ` odd (so the map is a
/// bijection: it adds no collisions) and `aᵢ`, `bᵢ` drawn from `parameters.seed` (SplitMix64); signature entry i
/// is the minimum over the text's shingles. A text without words gets `UInt64.max` everywhere.
///
/// Why this family and not datasketch 1.x's `(a·h + b) mod (2^61 − 1)`: measured on the benchmark machine, the
/// Mersenne reduction costs 2.3 ns per (shingle, permutation) as scalar code and 4.8 ns as the compiler
/// auto-vectorizes it for baseline x86-64 (SSE2 has no 64-bit multiply or unsigned compare), while the affine
/// map costs 0.8 ns with four permutations interleaved per pass; end to end, hashing is 3.6–3.9× faster at equal
/// recall (BENCHMARKS.md, "Near-duplicate instructions"). The affine
/// map on a pre-mixed hash is also what datasketch 2.x does by default ("affine32"/"affine64": MurmurHash3's
/// finalizer, then `a·h + b mod 2^w` with odd `a`); like theirs, its min-wise behaviour is checked empirically
/// (the tests compare estimated with true Jaccard similarity and the found share with the S-curve).
///
/// A band key hashes the band's index and its `rows` signature values to 64 bits. Keys depend only on the text and
/// on the parameters other than `threshold`, on every platform, so they may be stored (as `Int64(bitPattern:)` in
/// SQLite) and fed back into a ``NearDuplicateFinder`` by a later process.
///
/// A hasher reuses its buffers from call to call: once they have grown to the longest text, hashing allocates
/// nothing. It is a value: copy it to use it on another thread.
public struct MinHasher: Sendable {
    /// The parameters the hasher was made with.
    public let parameters: MinHashParameters
    private let multipliers: [UInt64]
    private let increments: [UInt64]
    private var textBuffer: [UInt8] = []
    private var wordHashes: [UInt64] = []
    private var shingleHashes: [UInt64] = []
    private var signatureBuffer: [UInt64]

    /// A hasher for `parameters`.
    public init(parameters: MinHashParameters = .standard) {
        self.parameters = parameters
        var random = SeededGenerator(seed: parameters.seed)
        var multipliers: [UInt64] = []
        var increments: [UInt64] = []
        for _ in 0..<parameters.permutations {
            multipliers.append(random.next() | 1)
            increments.append(random.next())
        }
        self.multipliers = multipliers
        self.increments = increments
        signatureBuffer = [UInt64](repeating: 0, count: parameters.permutations)
    }

    // MARK: - Signatures

    /// The signature of `text`: `parameters.permutations` values.
    public mutating func signature(of text: String) -> [UInt64] {
        var signature = [UInt64](repeating: 0, count: parameters.permutations)
        signature.withUnsafeMutableBufferPointer { self.signature(of: text, into: $0) }
        return signature
    }

    /// Writes the signature of `text` into `signature`, which must hold `parameters.permutations` values.
    public mutating func signature(of text: String, into signature: UnsafeMutableBufferPointer<UInt64>) {
        precondition(signature.count == parameters.permutations, "the signature buffer must hold one value per permutation")
        computeShingles(of: text)
        permute(count: parameters.permutations, into: signature.baseAddress!)
    }

    /// The fraction of positions where two signatures agree: an unbiased estimate of the Jaccard similarity of
    /// the two texts' shingle sets.
    public static func estimatedJaccard(_ first: [UInt64], _ second: [UInt64]) -> Double {
        precondition(first.count == second.count && !first.isEmpty, "signatures of the same length are compared")
        var equal = 0
        for index in first.indices where first[index] == second[index] { equal += 1 }
        return Double(equal) / Double(first.count)
    }

    /// The exact Jaccard similarity of two texts' shingle sets, which a signature only estimates: what a pair of
    /// candidates that LSH found is checked against.
    public mutating func jaccard(_ first: String, _ second: String) -> Double {
        jaccard(shingleSet(of: first), shingleSet(of: second))
    }

    /// The set of `text`'s shingle hashes.
    public mutating func shingleSet(of text: String) -> Set<UInt64> {
        computeShingles(of: text)
        return Set(shingleHashes)
    }

    /// The Jaccard similarity of two shingle sets (1 for two empty ones).
    public func jaccard(_ first: Set<UInt64>, _ second: Set<UInt64>) -> Double {
        let union = first.union(second).count
        return union == 0 ? 1 : Double(first.intersection(second).count) / Double(union)
    }

    // MARK: - Band keys

    /// The band keys of `text`: `parameters.bands` values.
    public mutating func bandKeys(of text: String) -> [UInt64] {
        var keys = [UInt64](repeating: 0, count: parameters.bands)
        keys.withUnsafeMutableBufferPointer { bandKeys(of: text, into: $0) }
        return keys
    }

    /// Writes the band keys of `text` into `keys`, which must hold `parameters.bands` values. Only the
    /// `bands × rows` banded permutations are computed.
    public mutating func bandKeys(of text: String, into keys: UnsafeMutableBufferPointer<UInt64>) {
        precondition(keys.count == parameters.bands, "the key buffer must hold one value per band")
        computeShingles(of: text)
        let banded = parameters.bands * parameters.rows
        var signature = signatureBuffer
        signatureBuffer = []
        signature.withUnsafeMutableBufferPointer { buffer in
            permute(count: banded, into: buffer.baseAddress!)
            Self.bandKeys(signature: UnsafeBufferPointer(buffer), parameters: parameters, into: keys)
        }
        signatureBuffer = signature
    }

    /// Writes the band keys of a signature (at least `bands × rows` values) into `keys` (`bands` values).
    public static func bandKeys(
        signature: UnsafeBufferPointer<UInt64>, parameters: MinHashParameters, into keys: UnsafeMutableBufferPointer<UInt64>
    ) {
        let rows = parameters.rows
        precondition(signature.count >= parameters.bands * rows && keys.count == parameters.bands)
        for band in 0..<parameters.bands {
            keys[band] = Hash64.band(band, UnsafeBufferPointer(rebasing: signature[(band * rows)..<((band + 1) * rows)]))
        }
    }

    // MARK: - Shingles and permutations

    /// The shingle hashes of `text`, in order (for tests).
    mutating func shingleHashes(of text: String) -> [UInt64] {
        computeShingles(of: text)
        return shingleHashes
    }

    /// Leaves the text's shingle hashes in `shingleHashes`. Repeated shingles are not removed:
    /// the minimum over a multiset is the minimum over its set.
    private mutating func computeShingles(of text: String) {
        var bytes = textBuffer
        var words = wordHashes
        var shingles = shingleHashes
        textBuffer = []
        wordHashes = []
        shingleHashes = []
        defer {
            textBuffer = bytes
            wordHashes = words
            shingleHashes = shingles
        }
        words.removeAll(keepingCapacity: true)
        shingles.removeAll(keepingCapacity: true)
        NormalizedText.withSpacePaddedUTF8(of: text, buffer: &bytes) { normal, count in
            Hash64.words(in: normal, count: count, into: &words)
        }
        let size = parameters.shingleSize
        words.withUnsafeBufferPointer { words in
            if words.isEmpty { return }
            if words.count <= size {
                shingles.append(Hash64.shingle(words))
                return
            }
            for start in 0...(words.count - size) {
                shingles.append(Hash64.shingle(UnsafeBufferPointer(rebasing: words[start..<(start + size)])))
            }
        }
    }

    /// Writes the first `count` signature values of the current shingles to `output`. Four permutations share
    /// each pass over the shingles: four independent minimum chains keep the multiplier busy, where one chain
    /// waits on its compare-and-select every step.
    private func permute(count: Int, into output: UnsafeMutablePointer<UInt64>) {
        shingleHashes.withUnsafeBufferPointer { shingles in
            multipliers.withUnsafeBufferPointer { a in
                increments.withUnsafeBufferPointer { b in
                    var index = 0
                    while index + 4 <= count {
                        let (a0, a1, a2, a3) = (a[index], a[index + 1], a[index + 2], a[index + 3])
                        let (b0, b1, b2, b3) = (b[index], b[index + 1], b[index + 2], b[index + 3])
                        var (m0, m1, m2, m3) = (UInt64.max, UInt64.max, UInt64.max, UInt64.max)
                        for x in shingles {
                            let (v0, v1, v2, v3) = (a0 &* x &+ b0, a1 &* x &+ b1, a2 &* x &+ b2, a3 &* x &+ b3)
                            if v0 < m0 { m0 = v0 }
                            if v1 < m1 { m1 = v1 }
                            if v2 < m2 { m2 = v2 }
                            if v3 < m3 { m3 = v3 }
                        }
                        (output[index], output[index + 1], output[index + 2], output[index + 3]) = (m0, m1, m2, m3)
                        index += 4
                    }
                    while index < count {
                        let (ai, bi) = (a[index], b[index])
                        var minimum = UInt64.max
                        for x in shingles {
                            let value = ai &* x &+ bi
                            if value < minimum { minimum = value }
                        }
                        output[index] = minimum
                        index += 1
                    }
                }
            }
        }
    }
}
