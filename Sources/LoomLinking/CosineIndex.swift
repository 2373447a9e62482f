import Dispatch
import LoomCore

/// Exact top-k cosine neighbours among unit-length sparse vectors (a pool), for many queries.
///
/// Identical pool vectors are stored once as a group with its members, so a pool of templated instructions
/// shrinks to its distinct texts. Terms that many groups share ("what", "the", "image") are also kept as dense
/// columns, one weight per group; the rest as posting lists. A query first accumulates its sparse terms (the
/// rare, heavy ones) over their postings. If what its common terms could still add to any group
/// (`min(Σ qₜ·maxₜ, ‖q_common‖)`, the second by Cauchy–Schwarz since pool vectors have unit length) cannot
/// lift a group to the k-th best exact score seen among the leading candidates, the common terms are skipped
/// (MaxScore); otherwise they are added column by column over all groups, a loop the compiler vectorizes.
/// Either way the few groups that can reach the top k are scored exactly by a merge of the two vectors, so the
/// result is the same as scoring every pool vector.
public struct CosineIndex: Sendable {
    /// A neighbour: its position in the pool and its cosine similarity.
    public struct Neighbour: Sendable, Hashable {
        public var position: Int
        public var score: Double
    }

    private let groups: SparseVectors
    private let memberOffsets: [Int]
    private let members: [Int32]
    private let postingOffsets: [Int]
    private let postingGroups: [UInt32]
    /// Posting weights and dense columns in single precision: they only rank candidates (with a slack), and
    /// half the bytes is half the memory traffic of the scoring loops. Exact scores come from `groups`.
    private let postingWeights: [Float]
    private let maxWeight: [Double]
    /// Per term, its column in `dense` (or -1: the term has postings only).
    private let denseColumn: [Int32]
    /// The dense columns, `groups.count` weights each.
    private let dense: [Float]
    /// Each group's norm over the dense terms alone, and the groups in descending order of it.
    private let denseNorm: [Double]
    private let byDenseNorm: [UInt32]
    private let sortedDenseNorms: [Double]

    /// A term is stored densely when at least this share of the groups have it (and at least 32 do).
    static let denseShare = 0.125

    /// How many distinct vectors the pool has.
    public var distinctCount: Int { groups.count }

    /// Indexes `pool` (vectors from the same `TFIDFVectorizer` as the queries), over `termCount` terms.
    public init(pool: SparseVectors, termCount: Int) {
        let (groups, memberLists) = Self.distinct(pool)
        var memberOffsets = [0]
        memberOffsets.reserveCapacity(memberLists.count + 1)
        for list in memberLists { memberOffsets.append(memberOffsets.last! + list.count) }
        // The inverted index, counted first so that each term's postings are one slice of two flat arrays.
        var postingCounts = [Int](repeating: 0, count: termCount + 1)
        for term in groups.terms { postingCounts[Int(term) + 1] += 1 }
        for term in 0..<termCount { postingCounts[term + 1] += postingCounts[term] }
        var fill = postingCounts
        var postingGroups = [UInt32](repeating: 0, count: groups.terms.count)
        var postingWeights = [Float](repeating: 0, count: groups.terms.count)
        var maxWeight = [Double](repeating: 0, count: termCount)
        for group in 0..<groups.count {
            for entry in groups.range(group) {
                let term = Int(groups.terms[entry])
                let weight = groups.weights[entry]
                postingGroups[fill[term]] = UInt32(group)
                postingWeights[fill[term]] = Float(weight)
                fill[term] += 1
                if weight > maxWeight[term] { maxWeight[term] = weight }
            }
        }
        self.groups = groups
        self.memberOffsets = memberOffsets
        self.members = memberLists.flatMap { $0 }
        self.postingOffsets = postingCounts
        self.postingGroups = postingGroups
        self.postingWeights = postingWeights
        self.maxWeight = maxWeight
        let denseFrom = max(32, Int(Double(groups.count) * Self.denseShare))
        var denseColumn = [Int32](repeating: -1, count: termCount)
        var columns = 0
        for term in 0..<termCount where postingCounts[term + 1] - postingCounts[term] >= denseFrom {
            denseColumn[term] = Int32(columns)
            columns += 1
        }
        var dense = [Float](repeating: 0, count: columns * groups.count)
        for term in 0..<termCount where denseColumn[term] >= 0 {
            let base = Int(denseColumn[term]) * groups.count
            for posting in postingCounts[term]..<postingCounts[term + 1] {
                dense[base + Int(postingGroups[posting])] = postingWeights[posting]
            }
        }
        self.denseColumn = denseColumn
        self.dense = dense
        var denseNorm = [Double](repeating: 0, count: groups.count)
        for group in 0..<groups.count {
            var squared = 0.0
            for entry in groups.range(group) where denseColumn[Int(groups.terms[entry])] >= 0 {
                squared += groups.weights[entry] * groups.weights[entry]
            }
            denseNorm[group] = squared.squareRoot()
        }
        let byDenseNorm = (0..<groups.count).sorted { denseNorm[$0] > denseNorm[$1] || (denseNorm[$0] == denseNorm[$1] && $0 < $1) }
        self.denseNorm = denseNorm
        self.byDenseNorm = byDenseNorm.map { UInt32($0) }
        sortedDenseNorms = byDenseNorm.map { denseNorm[$0] }
    }

    /// How many groups have a dense-term norm of at least `norm`.
    private func groupCount(denseNormAtLeast norm: Double) -> Int {
        var low = 0
        var high = sortedDenseNorms.count
        while low < high {
            let middle = (low + high) / 2
            if sortedDenseNorms[middle] >= norm { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The distinct vectors of `vectors`, and for each the positions of the vectors equal to it (ascending).
    static func distinct(_ vectors: SparseVectors) -> (distinct: SparseVectors, members: [[Int32]]) {
        var groupOf: [[UInt64]: Int] = [:]
        var distinct = SparseVectors()
        var members: [[Int32]] = []
        var key: [UInt64] = []
        for position in 0..<vectors.count {
            let range = vectors.range(position)
            key.removeAll(keepingCapacity: true)
            for entry in range {
                key.append(UInt64(vectors.terms[entry]))
                key.append(vectors.weights[entry].bitPattern)
            }
            if let group = groupOf[key] {
                members[group].append(Int32(position))
            } else {
                groupOf[key] = distinct.count
                distinct.append(range.map { (vectors.terms[$0], vectors.weights[$0]) })
                members.append([Int32(position)])
            }
        }
        return (distinct, members)
    }

    /// The `k` most similar pool vectors for each query, best first, on `threads` threads. Ties go to the vector
    /// whose first copy comes first in the pool (copies of one vector in pool order); only vectors sharing a term with the query (similarity above 0) are neighbours.
    ///
    /// - Parameters:
    ///   - excluded: pool positions query `i` may not have (its own sample's, say); called on worker threads.
    ///   - excludedCount: how many pool positions `excluded` can refuse for query `i` (at most).
    public func nearest(
        _ queries: SparseVectors, k: Int, threads: Int,
        excludedCount: @escaping @Sendable (Int) -> Int = { _ in 0 },
        excluded: @escaping @Sendable (_ query: Int, _ position: Int) -> Bool = { _, _ in false }
    ) -> [[Neighbour]] {
        let count = queries.count
        guard count > 0, k > 0 else { return Array(repeating: [], count: count) }
        // Identical queries (templated instructions repeat) are ranked once, deep enough for the member that
        // may refuse the most.
        let (distinct, members) = Self.distinct(queries)
        let depth = members.map { list in k + list.map { excludedCount(Int($0)) }.max()! }
        let chunk = 256
        let chunks = (distinct.count + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        let results = UnsafeSendableSlots<[Neighbour]>(count: count)
        let work: @Sendable (Int) -> Void = { worker in
            var search = Search(index: self)
            var current = worker
            while current < chunks {
                for vector in (current * chunk)..<min((current + 1) * chunk, distinct.count) {
                    let ranked = search.ranked(distinct, vector, wanted: depth[vector])
                    for query in members[vector] {
                        results[Int(query)] = neighbours(ranked, k: k) { excluded(Int(query), $0) }
                    }
                }
                current += workers
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return results.values.map { $0 ?? [] }
    }

    /// The first `k` pool positions of ranked groups that `excluded` does not refuse.
    private func neighbours(_ ranked: [Candidate], k: Int, excluded: (Int) -> Bool) -> [Neighbour] {
        var neighbours: [Neighbour] = []
        for candidate in ranked {
            for slot in memberOffsets[candidate.group]..<memberOffsets[candidate.group + 1] {
                let position = Int(members[slot])
                if excluded(position) { continue }
                neighbours.append(Neighbour(position: position, score: candidate.score))
                if neighbours.count == k { return neighbours }
            }
        }
        return neighbours
    }

    /// A group that may be among a query's nearest, with its exact score and its first member.
    private struct Candidate {
        var group: Int
        var score: Double
        var first: Int32
    }

    /// One worker's reusable state: the accumulators and the list of groups the sparse terms touched.
    private struct Search {
        let index: CosineIndex
        var accumulators: [Float]
        var touched: [UInt32] = []
        var scratch: [Double] = []
        var sparse: [(term: UInt32, weight: Double)] = []
        var common: [(column: Int, weight: Float)] = []
        /// Rounding slack on every bound: accumulations run in single precision and in another order than
        /// the exact merges.
        static let slack = 1e-5

        init(index: CosineIndex) {
            self.index = index
            accumulators = [Float](repeating: 0, count: index.groups.count)
        }

        /// Groups that can hold query `query`'s `wanted` nearest pool vectors, best first (ties to the lower
        /// first member); every group whose score reaches the `wanted`-th best member's is there.
        mutating func ranked(_ queries: SparseVectors, _ query: Int, wanted: Int) -> [Candidate] {
            sparse.removeAll(keepingCapacity: true)
            common.removeAll(keepingCapacity: true)
            var commonSquared = 0.0
            var commonBound = 0.0
            for entry in queries.range(query) {
                let term = Int(queries.terms[entry])
                guard term < index.maxWeight.count, index.maxWeight[term] > 0 else { continue }
                let weight = queries.weights[entry]
                if index.denseColumn[term] >= 0 {
                    common.append((Int(index.denseColumn[term]), Float(weight)))
                    commonSquared += weight * weight
                    commonBound += weight * index.maxWeight[term]
                } else {
                    sparse.append((UInt32(term), weight))
                }
            }
            guard !sparse.isEmpty || !common.isEmpty else { return [] }
            for (term, weight) in sparse { accumulate(term, weight) }
            let commonNorm = commonSquared.squareRoot()
            let bound = min(commonBound, commonNorm)
            var threshold = common.isEmpty ? thresholdOfTouched(wanted) : estimatedThreshold(queries, query, wanted: wanted)
            var candidates: [Candidate] = []
            func consider(_ group: Int) {
                let score = queries.dot(query, index.groups, group)
                if score > 0 { candidates.append(Candidate(group: group, score: score, first: index.members[index.memberOffsets[group]])) }
            }
            // A group no sparse term reached scores only through the common terms: at most ‖q_common‖·‖g_common‖
            // (Cauchy–Schwarz, with g's norm over all dense terms). Groups are kept sorted by that norm, so the
            // untouched ones that could reach the threshold are a prefix of that order.
            let reach = common.isEmpty ? 0 : threshold > 0 ? index.groupCount(denseNormAtLeast: (threshold - Self.slack) / commonNorm) : index.groups.count
            if reach <= index.groups.count / 16 {
                // Few groups can compete: the touched ones that still can reach the threshold and the reachable
                // untouched ones get their common terms from the columns; the best of those sums are scored
                // exactly.
                scratch.removeAll(keepingCapacity: true)
                var survivors: [UInt32] = []
                for group in touched {
                    let room = min(bound, commonNorm * index.denseNorm[Int(group)])
                    if Double(accumulators[Int(group)]) + room + Self.slack >= threshold { survivors.append(group) }
                }
                for group in index.byDenseNorm.prefix(reach) where accumulators[Int(group)] == 0 { survivors.append(group) }
                index.dense.withUnsafeBufferPointer { dense in
                    let count = index.groups.count
                    for group in survivors {
                        var sum = Double(accumulators[Int(group)])
                        for (column, weight) in common { sum += Double(weight * dense[column * count + Int(group)]) }
                        scratch.append(sum)
                    }
                }
                let sums = scratch
                let best = scratch.count >= wanted ? Selection.kthLargest(&scratch, wanted) : 0
                for (position, group) in survivors.enumerated() where sums[position] > 0 && sums[position] + Self.slack >= max(best, threshold) {
                    consider(Int(group))
                }
                for group in touched { accumulators[Int(group)] = 0 }
            } else {
                addCommonColumns()
                threshold = thresholdOfAll(wanted)
                accumulators.withUnsafeMutableBufferPointer { values in
                    for group in 0..<values.count where values[group] > 0 && Double(values[group]) + Self.slack >= threshold { consider(group) }
                    values.update(repeating: 0)
                }
            }
            touched.removeAll(keepingCapacity: true)
            candidates.sort { $0.score > $1.score || ($0.score == $1.score && $0.first < $1.first) }
            return candidates
        }

        private mutating func accumulate(_ term: UInt32, _ weight: Double) {
            let weight = Float(weight)
            let postings = index.postingOffsets[Int(term)]..<index.postingOffsets[Int(term) + 1]
            index.postingGroups.withUnsafeBufferPointer { groups in
                index.postingWeights.withUnsafeBufferPointer { weights in
                    accumulators.withUnsafeMutableBufferPointer { accumulators in
                        for posting in postings {
                            let group = Int(groups[posting])
                            if accumulators[group] == 0 { touched.append(UInt32(group)) }
                            accumulators[group] += weight * weights[posting]
                        }
                    }
                }
            }
        }

        /// Adds every common term's column to every group's accumulator.
        private mutating func addCommonColumns() {
            let count = index.groups.count
            index.dense.withUnsafeBufferPointer { dense in
                accumulators.withUnsafeMutableBufferPointer { values in
                    for (column, weight) in common {
                        let base = dense.baseAddress! + column * count
                        for group in 0..<count { values[group] += weight * base[group] }
                    }
                }
            }
        }

        /// The `wanted`-th largest accumulator among the touched groups (0 with fewer).
        private mutating func thresholdOfTouched(_ wanted: Int) -> Double {
            guard touched.count >= wanted else { return 0 }
            let values = accumulators
            return Double(Selection.kthLargestPositive(touched.lazy.map { values[Int($0)] }, wanted))
        }

        /// The `wanted`-th largest accumulator over all groups (0 with fewer positive ones).
        private mutating func thresholdOfAll(_ wanted: Int) -> Double {
            Double(accumulators.withUnsafeBufferPointer { Selection.kthLargestPositive($0, wanted) })
        }

        /// A lower bound of the `wanted`-th best exact score: the exact scores of the `wanted` touched groups
        /// with the highest partial scores (each group has at least one member), their `wanted`-th best; 0 with
        /// fewer.
        private mutating func estimatedThreshold(_ queries: SparseVectors, _ query: Int, wanted: Int) -> Double {
            guard touched.count >= wanted else { return 0 }
            let cut = thresholdOfTouched(wanted)
            scratch.removeAll(keepingCapacity: true)
            for group in touched where Double(accumulators[Int(group)]) >= cut {
                scratch.append(queries.dot(query, index.groups, Int(group)))
                if scratch.count == wanted * 4 { break }
            }
            return scratch.count >= wanted ? Selection.kthLargest(&scratch, wanted) : 0
        }
    }
}
