/// Near-duplicate detection over 64-bit perceptual hashes without comparing all pairs.
///
/// Multi-index hashing (Norouzi, Punjani and Fleet): the 64 bits are split into `threshold + 1` disjoint chunks of
/// nearly equal width. Two hashes that differ in at most `threshold` bits cannot differ in every one of
/// `threshold + 1` chunks (pigeonhole), so they agree exactly on at least one chunk. Each chunk has a dictionary
/// from the chunk's value to the representatives having it; a new hash looks up its own chunk values, and only
/// those candidates are verified with a population count of the XOR. No near-duplicate is ever missed, and the
/// result equals a brute-force scan over all representatives.
///
/// Cost: with chunks of `64 / (threshold + 1)` bits, random hashes collide in a chunk with probability
/// `2^-(64 / (threshold + 1))`, so lookups stay near constant for thresholds up to about 8 (chunks of 7+ bits) and
/// degrade toward a linear scan at 16 (chunks of 3–4 bits). Recipes use 6 (chunks of 9–10 bits).
///
/// Representatives are the hashes that were not near-duplicates of an earlier one; a duplicate is matched only
/// against representatives, never against other duplicates.
public struct NearDuplicateIndex: Sendable {
    /// The largest number of differing bits that still counts as a near-duplicate.
    public let threshold: Int
    /// Bit offset and width of each chunk.
    private let chunks: [(shift: UInt64, mask: UInt64)]
    /// Per chunk: chunk value -> indices into `hashes`, ascending (the order they were added).
    private var tables: [[UInt64: [Int32]]]
    private var hashes: [UInt64] = []
    private var ids: [String] = []

    /// An empty index. `threshold` is clamped to 0...63; 0 finds exact duplicates only.
    public init(threshold: Int) {
        let threshold = min(max(threshold, 0), 63)
        self.threshold = threshold
        let count = threshold + 1
        var chunks: [(shift: UInt64, mask: UInt64)] = []
        var shift = 0
        for index in 0..<count {
            // The first `64 % count` chunks get one extra bit.
            let width = 64 / count + (index < 64 % count ? 1 : 0)
            let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
            chunks.append((UInt64(shift), mask))
            shift += width
        }
        self.chunks = chunks
        tables = Array(repeating: [:], count: count)
    }

    /// If an earlier representative lies within `threshold` bits of `hash`, returns its id and does not add this
    /// one; otherwise adds `(hash, id)` as a representative and returns nil. Among several matches the earliest
    /// added is returned, so results do not depend on dictionary order.
    public mutating func add(_ hash: UInt64, id: String) -> String? {
        if let match = earliestMatch(hash) { return ids[match] }
        let index = Int32(hashes.count)
        hashes.append(hash)
        ids.append(id)
        for (chunk, layout) in chunks.enumerated() {
            tables[chunk][(hash >> layout.shift) & layout.mask, default: []].append(index)
        }
        return nil
    }

    /// The id of the earliest representative within `threshold` bits of `hash`, without adding anything.
    public func representative(of hash: UInt64) -> String? {
        earliestMatch(hash).map { ids[$0] }
    }

    /// Number of representatives.
    public var count: Int { hashes.count }

    private func earliestMatch(_ hash: UInt64) -> Int? {
        var best: Int?
        for (chunk, layout) in chunks.enumerated() {
            guard let candidates = tables[chunk][(hash >> layout.shift) & layout.mask] else { continue }
            // Candidates are ascending: the first within reach is this chunk's earliest.
            for candidate in candidates {
                let index = Int(candidate)
                if let best, index >= best { break }
                if (hashes[index] ^ hash).nonzeroBitCount <= threshold {
                    best = index
                    break
                }
            }
        }
        return best
    }
}
