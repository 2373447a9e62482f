import CHamming
import Dispatch
import LoomCore

/// Image-similarity linking: a seeded share of the records is the example pool, and each other record takes the k
/// pool records whose images look most alike. Two records' distance is, for each of the query's images, the
/// Hamming distance of its perceptual hash to the nearest of the example's, averaged; the similarity stored is
/// `1 − distance / 64`. Records whose images share one set of hashes (a sample's records all do) are compared
/// once. Exact: every pool signature is compared with every query signature, 64-bit popcounts on threads.
struct ImageNeighbours: Sendable {
    let settings: LinkSettings
    let threads: Int

    /// A distinct set of image hashes and the positions that have it.
    struct Signature {
        var hashes: [UInt64]
        var members: [Int]
    }

    func links(_ items: [LinkItem]) -> [InContextLink] {
        let (poolIndices, queryIndices) = ExamplePool.partition(items, share: settings.exampleShare, seed: settings.seed)
        let pool = Self.signatures(poolIndices.map { items[$0].imageHashes })
        let queries = Self.signatures(queryIndices.map { items[$0].imageHashes })
        // Pool records per sample: how deep a query must look to fill k after leaving out its own sample's.
        var poolPerSample: [String: Int] = [:]
        for index in poolIndices { poolPerSample[items[index].sampleID, default: 0] += 1 }
        // And per medium: records sharing one of the query's images are left out too.
        var poolPerMedium: [String: Int] = [:]
        for index in poolIndices { for medium in Set(items[index].media) { poolPerMedium[medium, default: 0] += 1 } }
        let depth = queries.map { signature in
            settings.k + (settings.sameSample ? 0 : signature.members.map { member in
                let item = items[queryIndices[member]]
                return (poolPerSample[item.sampleID] ?? 0) + Set(item.media).reduce(0) { $0 + (poolPerMedium[$1] ?? 0) }
            }.max() ?? 0)
        }
        let ranked = Self.rank(queries, against: pool, depth: depth, threads: threads)
        var links = [InContextLink?](repeating: nil, count: items.count)
        for index in poolIndices { links[index] = InContextLink(recordID: items[index].id, role: .example) }
        // A query without image hashes keeps no examples.
        for index in queryIndices { links[index] = InContextLink(recordID: items[index].id, role: .query) }
        for (signature, query) in zip(ranked, queries) {
            for member in query.members {
                let index = queryIndices[member]
                var examples: [String] = []
                var scores: [Double] = []
                walk: for (group, distance) in signature {
                    for poolMember in pool[group].members {
                        let example = items[poolIndices[poolMember]]
                        if !settings.sameSample && items[index].isSameSubject(as: example) { continue }
                        examples.append(example.id)
                        scores.append(1 - distance / 64)
                        if examples.count == settings.k { break walk }
                    }
                }
                links[index] = InContextLink(recordID: items[index].id, role: .query, examples: examples, scores: scores)
            }
        }
        return links.map { $0! }
    }

    /// The distinct hash lists of `lists` (records without hashes get none: they have no neighbours).
    static func signatures(_ lists: [[UInt64]]) -> [Signature] {
        var index: [[UInt64]: Int] = [:]
        var signatures: [Signature] = []
        for (position, hashes) in lists.enumerated() where !hashes.isEmpty {
            if let existing = index[hashes] {
                signatures[existing].members.append(position)
            } else {
                index[hashes] = signatures.count
                signatures.append(Signature(hashes: hashes, members: [position]))
            }
        }
        return signatures
    }

    /// The mean, over `query`'s hashes, of the Hamming distance to the nearest of `example`'s: the reference the
    /// tests hold `rank`'s distances (computed in `CHamming`) to.
    static func distance(_ query: [UInt64], _ example: [UInt64]) -> Double {
        var total = 0
        for hash in query {
            var nearest = 64
            for other in example { nearest = min(nearest, (hash ^ other).nonzeroBitCount) }
            total += nearest
        }
        return Double(total) / Double(query.count)
    }

    /// For each query signature, pool signatures nearest first (ties to the earlier pool member), enough of
    /// them to hold `depth` pool records.
    ///
    /// Summed over the query's hashes, distances are small integers: `CHamming` computes them for the whole pool
    /// with the processor's POPCNT, then keeps the signatures within the smallest distance that holds `depth` of
    /// them (each holds at least one record, so that distance holds at least `depth` records); only those are
    /// sorted.
    /// Sorting the whole pool for every query, as this once did, cost O(pool · log pool) a query and dominated
    /// linking at a million records.
    static func rank(_ queries: [Signature], against pool: [Signature], depth: [Int], threads: Int) -> [[(Int, Double)]] {
        let results = UnsafeSendableSlots<[(Int, Double)]>(count: queries.count)
        // The pool's hashes end to end, and where each signature's hashes start.
        let codes = pool.flatMap(\.hashes)
        let starts = pool.reduce(into: [UInt32(0)]) { starts, signature in starts.append(starts.last! + UInt32(signature.hashes.count)) }
        let memberCounts = pool.map(\.members.count)
        let chunk = 64
        let chunks = (queries.count + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        let work: @Sendable (Int) -> Void = { worker in
            var totals = [UInt32](repeating: 0, count: pool.count)
            var positions = [UInt32](repeating: 0, count: pool.count)
            var current = worker
            while current < chunks {
                for query in (current * chunk)..<min((current + 1) * chunk, queries.count) {
                    let hashes = queries[query].hashes
                    loom_hamming_totals(hashes, hashes.count, codes, starts, pool.count, &totals)
                    let kept = loom_totals_within(totals, pool.count, depth[query], UInt32(64 * hashes.count), &positions)
                    // Ties go to the earlier pool signature: signatures are in the order of their first members.
                    let nearest = positions[..<kept].map { Int($0) }.sorted { totals[$0] < totals[$1] || (totals[$0] == totals[$1] && $0 < $1) }
                    var ranked: [(Int, Double)] = []
                    var members = 0
                    for index in nearest where members < depth[query] {
                        ranked.append((index, Double(totals[index]) / Double(hashes.count)))
                        members += memberCounts[index]
                    }
                    results[query] = ranked
                }
                current += workers
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return results.values.map { $0 ?? [] }
    }
}
