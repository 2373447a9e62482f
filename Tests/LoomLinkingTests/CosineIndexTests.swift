import Testing
@testable import LoomLinking

@Suite struct CosineIndexTests {
    /// Texts from a small vocabulary with many exact repeats, as templated instructions have.
    static func corpus(_ count: Int, seed: UInt64, rareWords: Int = 0) -> [String] {
        let common = ["red", "blue", "green", "cube", "sphere", "cylinder", "how", "many", "what", "colour", "left", "right",
                     "of", "the", "is", "image", "behind", "large", "small", "metal", "rubber", "count", "there", "are"]
        // Rare words give the index posting lists as well as dense columns.
        let words = common + (0..<rareWords).map { "rare\($0)" }
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var texts: [String] = []
        for _ in 0..<count {
            if !texts.isEmpty && next() % 4 == 0 {
                texts.append(texts[next() % texts.count])
                continue
            }
            let length = 2 + next() % 9
            var chosen: [String] = []
            for _ in 0..<length { chosen.append(words[next() % words.count]) }
            texts.append(chosen.joined(separator: " "))
        }
        return texts
    }

    /// TF-IDF vectors of `texts`: every `poolEvery`-th in the pool, the others queries; and the vocabulary size.
    static func split(_ texts: [String], poolEvery: Int) -> (pool: SparseVectors, queries: SparseVectors, termCount: Int) {
        var vectorizer = TFIDFVectorizer()
        let all = vectorizer.fitTransform(texts)
        var pool = SparseVectors()
        var queries = SparseVectors()
        for index in 0..<all.count {
            let entries = all.range(index).map { (all.terms[$0], all.weights[$0]) }
            if index % poolEvery == 0 { pool.append(entries) } else { queries.append(entries) }
        }
        return (pool, queries, vectorizer.vocabulary.count)
    }

    /// Every pool vector scored, sorted by score then position: what the index must reproduce.
    static func bruteForce(
        _ queries: SparseVectors, _ query: Int, pool: SparseVectors, k: Int, excluded: (Int) -> Bool
    ) -> [CosineIndex.Neighbour] {
        var scored: [CosineIndex.Neighbour] = []
        for position in 0..<pool.count where !excluded(position) {
            let score = queries.dot(query, pool, position)
            if score > 0 { scored.append(CosineIndex.Neighbour(position: position, score: score)) }
        }
        scored.sort { (a: CosineIndex.Neighbour, b: CosineIndex.Neighbour) -> Bool in
            a.score > b.score || (a.score == b.score && a.position < b.position)
        }
        return Array(scored.prefix(k))
    }

    @Test(arguments: [(1, 0), (5, 0), (12, 0), (1, 400), (5, 400), (12, 3000)])
    func topKEqualsScoringEveryPoolVector(k: Int, rareWords: Int) {
        let (pool, queries, termCount) = Self.split(Self.corpus(1500, seed: UInt64(k + rareWords), rareWords: rareWords), poolEvery: 4)
        let index = CosineIndex(pool: pool, termCount: termCount)
        #expect(index.distinctCount < pool.count)  // repeats share a group
        let found = index.nearest(queries, k: k, threads: 2)
        for query in 0..<queries.count {
            let expected = Self.bruteForce(queries, query, pool: pool, k: k, excluded: { _ in false })
            #expect(found[query].map(\.position) == expected.map(\.position), "query \(query)")
            for (a, b) in zip(found[query], expected) { #expect(abs(a.score - b.score) < 1e-12) }
        }
    }

    @Test(arguments: [0, 300]) func exclusionsAreHonouredWithoutLosingNeighbours(rareWords: Int) {
        let (pool, queries, termCount) = Self.split(Self.corpus(800, seed: 99, rareWords: rareWords), poolEvery: 3)
        // Each query may not use pool positions in its own "sample" (position mod 7 == query mod 7).
        let index = CosineIndex(pool: pool, termCount: termCount)
        let poolCount = pool.count
        let perSample = (0..<7).map { sample in (0..<poolCount).filter { $0 % 7 == sample }.count }
        let found = index.nearest(
            queries, k: 4, threads: 2, excludedCount: { perSample[$0 % 7] }, excluded: { $1 % 7 == $0 % 7 })
        for query in 0..<queries.count {
            let expected = Self.bruteForce(queries, query, pool: pool, k: 4, excluded: { $0 % 7 == query % 7 })
            #expect(found[query].map(\.position) == expected.map(\.position), "query \(query)")
        }
    }

    @Test func aQueryWithNoSharedTermHasNoNeighbours() {
        var vectorizer = TFIDFVectorizer()
        let all = vectorizer.fitTransform(["red cube", "blue sphere", "green cylinder"])
        var pool = SparseVectors()
        pool.append(all.range(0).map { (all.terms[$0], all.weights[$0]) })
        var queries = SparseVectors()
        queries.append(all.range(2).map { (all.terms[$0], all.weights[$0]) })
        #expect(CosineIndex(pool: pool, termCount: vectorizer.vocabulary.count).nearest(queries, k: 3, threads: 1) == [[]])
    }

    @Test func selectionFindsTheKthLargest() {
        var values: [Double] = [5, 1, 9, 3, 3, 7, 2, 8, 8, 0]
        let sorted = values.sorted(by: >)
        for k in 1...values.count {
            var copy = values
            #expect(Selection.kthLargest(&copy, k) == sorted[k - 1])
        }
        values = Array(repeating: 4, count: 50)
        #expect(Selection.kthLargest(&values, 17) == 4)
    }
}
