import LoomCore
import Dispatch

/// One record found to be a near-duplicate: `duplicate` and the smallest ordinal of its group, `of`.
public struct NearDuplicate: Hashable, Sendable, Codable {
    /// The record that is a near-duplicate.
    public var duplicate: UInt32
    /// The smallest ordinal of the records it is connected to: the one kept.
    public var of: UInt32

    /// A pair: `duplicate` is kept out in favour of `of`.
    public init(duplicate: UInt32, of: UInt32) {
        self.duplicate = duplicate
        self.of = of
    }
}

import Dispatch

/// MinHash LSH banding over records named by dense `UInt32` ordinals that the caller assigns (and maps to its own
/// record ids).
///
/// Records are added with their band keys (``MinHasher/bandKeys(of:)``, or keys stored by an earlier process with
/// equal parameters). ``duplicates(threads:)`` then connects every two records that share a key in any band, transitively,
/// and names for each record of a group of two or more the group's smallest ordinal. Whether a record arrived first
/// or last makes no difference: the result depends only on the set of (ordinal, keys) added.
///
/// Memory: per record, one 64-bit key per band plus its 32-bit ordinal, in flat arrays (band-major), with no
/// dictionary and no per-record allocation: 76 bytes a record with 9 bands. ``duplicates(threads:)`` needs, on
/// top, 16 bytes a record per grouping thread, 4 bytes an ordinal for the union–find, and (with several threads)
/// 8 bytes per matching key.
///
/// Grouping one band: a counting-sort pass scatters (key, ordinal) pairs into buckets by the keys' top bits, about
/// eight keys a bucket (keys are hashes, so uniform); each bucket is sorted by key in place and runs of equal keys
/// are united.
public struct NearDuplicateFinder: Sendable {
    /// Number of band keys per record.
    public let bands: Int
    private var ordinals: [UInt32] = []
    /// `keys[band][i]` is band `band`'s key of record `ordinals[i]`.
    private var keys: [[UInt64]]
    private var largestOrdinal: UInt32 = 0

    /// An empty finder for records with `bands` keys each; `expectedCount` reserves room.
    public init(bands: Int, expectedCount: Int = 0) {
        precondition(bands >= 1, "at least one band")
        self.bands = bands
        keys = Array(repeating: [], count: bands)
        reserveCapacity(expectedCount)
    }

    /// An empty finder for keys made with `parameters`.
    public init(parameters: MinHashParameters, expectedCount: Int = 0) {
        self.init(bands: parameters.bands, expectedCount: expectedCount)
    }

    /// Number of records added.
    public var count: Int { ordinals.count }

    /// Reserves room for `count` records in all.
    public mutating func reserveCapacity(_ count: Int) {
        guard count > 0 else { return }
        ordinals.reserveCapacity(count)
        for band in 0..<bands { keys[band].reserveCapacity(count) }
    }

    /// Adds record `ordinal` with its `bands` keys. Adding an ordinal twice adds its keys twice.
    public mutating func add(ordinal: UInt32, bandKeys: UnsafeBufferPointer<UInt64>) {
        precondition(bandKeys.count == bands, "one key per band")
        precondition(ordinal < UInt32.max, "ordinals below UInt32.max")
        ordinals.append(ordinal)
        largestOrdinal = max(largestOrdinal, ordinal)
        for band in 0..<bands { keys[band].append(bandKeys[band]) }
    }

    /// Adds record `ordinal` with its `bands` keys.
    public mutating func add(ordinal: UInt32, bandKeys: [UInt64]) {
        bandKeys.withUnsafeBufferPointer { add(ordinal: ordinal, bandKeys: $0) }
    }

    /// Adds consecutive records `firstOrdinal, firstOrdinal + 1, …` from a flat block of keys, `bands` per record
    /// (the layout of ``MinHasher/bandKeys(of:parameters:threads:)``).
    public mutating func add(firstOrdinal: UInt32, bandKeys block: [UInt64]) {
        precondition(block.count % bands == 0, "a whole number of records")
        let records = block.count / bands
        guard records > 0 else { return }
        precondition(UInt64(firstOrdinal) + UInt64(records) <= UInt64(UInt32.max), "ordinals below UInt32.max")
        ordinals.append(contentsOf: firstOrdinal..<(firstOrdinal + UInt32(records)))
        largestOrdinal = max(largestOrdinal, firstOrdinal + UInt32(records - 1))
        let stride = bands
        block.withUnsafeBufferPointer { block in
            for band in 0..<stride {
                keys[band].append(contentsOf: (0..<records).lazy.map { block[$0 * stride + band] })
            }
        }
    }

    /// Every record that shares a band key with another, directly or through others, except the smallest ordinal
    /// of each such group, paired with that smallest ordinal; ascending by `duplicate`.
    ///
    /// With `threads` above 1, bands are grouped in parallel on Dispatch worker threads (never Swift's cooperative
    /// pool), each thread with its own 16-byte-a-record scratch, and the pairs they find are united afterwards.
    public func duplicates(threads: Int = 1) -> [NearDuplicate] {
        guard !ordinals.isEmpty else { return [] }
        precondition(ordinals.count < Int(UInt32.max), "fewer than 2^32 − 1 entries")
        var sets = DisjointSets(count: Int(largestOrdinal) + 1)
        let workers = max(1, min(threads, bands))
        if workers == 1 {
            var scratch = [Entry](repeating: Entry(key: 0, ordinal: 0), count: ordinals.count)
            var bucketStarts: [UInt32] = []
            for band in 0..<bands {
                Self.group(keys: keys[band], ordinals: ordinals, scratch: &scratch, bucketStarts: &bucketStarts) { a, b in
                    sets.union(a, b)
                }
            }
        } else {
            let (keys, ordinals, bands) = (self.keys, self.ordinals, self.bands)
            // One slot per worker for the pairs it found, packed as `first << 32 | other`.
            let found = UnsafeMutableBufferPointer<[UInt64]>.allocate(capacity: workers)
            found.initialize(repeating: [])
            defer { found.deinitialize().deallocate() }
            nonisolated(unsafe) let slots = found
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var scratch = [Entry](repeating: Entry(key: 0, ordinal: 0), count: ordinals.count)
                var bucketStarts: [UInt32] = []
                var pairs: [UInt64] = []
                for band in stride(from: worker, to: bands, by: workers) {
                    Self.group(keys: keys[band], ordinals: ordinals, scratch: &scratch, bucketStarts: &bucketStarts) { a, b in
                        pairs.append(UInt64(a) << 32 | UInt64(b))
                    }
                }
                slots[worker] = pairs
            }
            for pairs in found {
                for pair in pairs { sets.union(UInt32(pair >> 32), UInt32(truncatingIfNeeded: pair)) }
            }
        }
        var result: [NearDuplicate] = []
        for ordinal in 0..<UInt32(sets.count) {
            let root = sets.find(ordinal)
            if root != ordinal { result.append(NearDuplicate(duplicate: ordinal, of: root)) }
        }
        return result
    }

    // MARK: - Grouping one band

    struct Entry {
        var key: UInt64
        var ordinal: UInt32
    }

    /// Calls `unite` for the first record of every run of equal keys and each other record of the run.
    private static func group(
        keys: [UInt64], ordinals: [UInt32], scratch: inout [Entry], bucketStarts: inout [UInt32],
        unite: (UInt32, UInt32) -> Void
    ) {
        let count = keys.count
        guard count >= 2 else { return }
        // About eight keys per bucket, so that the bucket counters stay in the L2 cache; 2^4 to 2^18 buckets.
        let bits = min(18, max(4, Int.bitWidth - (count - 1).leadingZeroBitCount - 3))
        let shift = UInt64(64 - bits)
        let bucketCount = 1 << bits
        if bucketStarts.count < bucketCount + 1 { bucketStarts = [UInt32](repeating: 0, count: bucketCount + 1) }
        keys.withUnsafeBufferPointer { keys in
            ordinals.withUnsafeBufferPointer { ordinals in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    bucketStarts.withUnsafeMutableBufferPointer { starts in
                        for index in 0...bucketCount { starts[index] = 0 }
                        for key in keys { starts[Int(key >> shift) + 1] += 1 }
                        for index in 0..<bucketCount { starts[index + 1] += starts[index] }
                        // Scatter; afterwards starts[b] is the end of bucket b (the start of b + 1).
                        for index in 0..<count {
                            let key = keys[index]
                            let bucket = Int(key >> shift)
                            scratch[Int(starts[bucket])] = Entry(key: key, ordinal: ordinals[index])
                            starts[bucket] += 1
                        }
                        var start = 0
                        for bucket in 0..<bucketCount {
                            let end = Int(starts[bucket])
                            if end - start >= 2 {
                                let slice = UnsafeMutableBufferPointer(rebasing: scratch[start..<end])
                                sortByKey(slice)
                                var runStart = 0
                                for index in 1..<slice.count {
                                    if slice[index].key == slice[runStart].key {
                                        unite(slice[runStart].ordinal, slice[index].ordinal)
                                    } else {
                                        runStart = index
                                    }
                                }
                            }
                            start = end
                        }
                    }
                }
            }
        }
    }

    /// Insertion sort for the usual tiny bucket; the standard library's sort for a big one (many equal keys, such
    /// as every empty text's).
    private static func sortByKey(_ entries: UnsafeMutableBufferPointer<Entry>) {
        var entries = entries
        if entries.count > 32 {
            entries.sort { $0.key < $1.key }
            return
        }
        for index in 1..<entries.count {
            let entry = entries[index]
            var position = index
            while position > 0 && entries[position - 1].key > entry.key {
                entries[position] = entries[position - 1]
                position -= 1
            }
            entries[position] = entry
        }
    }
}
