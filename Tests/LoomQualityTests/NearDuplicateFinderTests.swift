import LoomCore
import Testing
@testable import LoomQuality

@Suite struct NearDuplicateFinderTests {
    @Test func unitesTransitivelyAndNamesTheSmallestOrdinal() {
        var finder = NearDuplicateFinder(bands: 3)
        finder.add(ordinal: 5, bandKeys: [100, 200, 300])
        finder.add(ordinal: 3, bandKeys: [100, 201, 301])  // band 0 with 5
        finder.add(ordinal: 9, bandKeys: [102, 201, 302])  // band 1 with 3
        finder.add(ordinal: 7, bandKeys: [103, 203, 303])  // alone
        finder.add(ordinal: 12, bandKeys: [104, 204, 304])
        finder.add(ordinal: 11, bandKeys: [105, 205, 304])  // band 2 with 12
        #expect(finder.count == 6)
        #expect(finder.duplicates() == [
            NearDuplicate(duplicate: 5, of: 3), NearDuplicate(duplicate: 9, of: 3), NearDuplicate(duplicate: 12, of: 11),
        ])
    }

    @Test func sameKeyInDifferentBandsIsNoMatch() {
        var finder = NearDuplicateFinder(bands: 2)
        finder.add(ordinal: 0, bandKeys: [1, 2])
        finder.add(ordinal: 1, bandKeys: [2, 1])
        #expect(finder.duplicates().isEmpty)
    }

    @Test func resultDoesNotDependOnOrderOrOnHowRecordsAreAdded() {
        var random = SeededGenerator(seed: 3)
        let bands = 4
        let count = 5000
        // Keys from a small alphabet so that many records collide, some in big groups.
        let keys = (0..<(count * bands)).map { _ in UInt64(random.int(in: 0...20000)) &* 0x9E37_79B9_7F4A_7C15 }
        var inOrder = NearDuplicateFinder(bands: bands)
        inOrder.add(firstOrdinal: 0, bandKeys: keys)
        var shuffled = NearDuplicateFinder(bands: bands, expectedCount: count)
        var order = Array(0..<count)
        order.shuffle(using: &random)
        for ordinal in order { shuffled.add(ordinal: UInt32(ordinal), bandKeys: Array(keys[(ordinal * bands)..<((ordinal + 1) * bands)])) }
        let result = inOrder.duplicates()
        #expect(!result.isEmpty)
        #expect(result == shuffled.duplicates())
        for threads in [2, 3, 8] { #expect(shuffled.duplicates(threads: threads) == result) }
        #expect(result == Self.bruteForce(keys: keys, bands: bands, count: count))
    }

    @Test func bigBucketOfEqualKeys() {
        var finder = NearDuplicateFinder(bands: 2)
        for ordinal in (0..<300).reversed() { finder.add(ordinal: UInt32(ordinal) + 10, bandKeys: [42, UInt64(ordinal) << 40]) }
        let result = finder.duplicates()
        #expect(result.count == 299)
        #expect(result.allSatisfy { $0.of == 10 })
        #expect(finder.duplicates(threads: 2) == result)
        #expect(NearDuplicateFinder(bands: 1).duplicates().isEmpty)
    }

    /// Connected components by comparing every pair.
    static func bruteForce(keys: [UInt64], bands: Int, count: Int) -> [NearDuplicate] {
        var root = Array(0..<count)
        func find(_ x: Int) -> Int { root[x] == x ? x : find(root[x]) }
        for band in 0..<bands {
            var first: [UInt64: Int] = [:]
            for ordinal in 0..<count {
                let key = keys[ordinal * bands + band]
                if let other = first[key] {
                    let (a, b) = (find(other), find(ordinal))
                    if a != b { root[max(a, b)] = min(a, b) }
                } else {
                    first[key] = ordinal
                }
            }
        }
        return (0..<count).compactMap { find($0) == $0 ? nil : NearDuplicate(duplicate: UInt32($0), of: UInt32(find($0))) }
    }
}

/// Recall and precision of the whole path (normalize, shingle, hash, band, group) on seeded texts.
@Suite struct NearDuplicateRecallTests {
    static let planted = PlantedCorpus.make(bases: 3000, copies: 1000, similarity: 0.8...0.9, seed: 2026)

    /// Pairs of Jaccard 0.8–0.9 are found at least 95% of the time with the banding placed for them (threshold 0.6:
    /// 18 × 7, candidate probability 0.986 at 0.8), and no two unrelated texts are joined.
    @Test func plantedNearDuplicatesAreFoundAndUnrelatedTextsAreNot() throws {
        let planted = Self.planted
        #expect(planted.pairs.count >= 990)
        #expect(planted.pairs.allSatisfy { (0.8...0.9).contains($0.jaccard) })
        let parameters = try MinHashParameters(threshold: 0.6)
        #expect(parameters.bands == 18 && parameters.rows == 7)
        let result = Self.groups(planted.texts, parameters)
        let recall = Double(planted.pairs.filter { result[$0.copy] == result[$0.original] }.count) / Double(planted.pairs.count)
        #expect(recall >= 0.95, "recall \(recall)")
        // Precision: no group holds texts of two different families.
        let wrong = planted.texts.indices.filter { planted.family[$0] != planted.family[Int(result[$0])] }
        #expect(wrong.count <= 1, "\(wrong.count) texts joined to an unrelated one")
    }

    /// With the datasketch-style default (threshold 0.8: 9 × 13) the share of pairs found follows the S-curve:
    /// it matches the mean candidate probability of the pairs' true similarities, as ideal MinHash would.
    @Test func defaultBandingFollowsTheSCurve() {
        let planted = Self.planted
        let parameters = MinHashParameters.standard
        let result = Self.groups(planted.texts, parameters)
        let found = Double(planted.pairs.filter { result[$0.copy] == result[$0.original] }.count) / Double(planted.pairs.count)
        let expected = planted.pairs.map { parameters.candidateProbability(jaccard: $0.jaccard) }.reduce(0, +) / Double(planted.pairs.count)
        #expect(abs(found - expected) < 0.05, "found \(found), expected \(expected)")
        let wrong = planted.texts.indices.filter { planted.family[$0] != planted.family[Int(result[$0])] }
        #expect(wrong.isEmpty)
    }

    /// For every text, the smallest ordinal of its group (itself when alone).
    static func groups(_ texts: [String], _ parameters: MinHashParameters) -> [UInt32] {
        var finder = NearDuplicateFinder(parameters: parameters, expectedCount: texts.count)
        finder.add(firstOrdinal: 0, bandKeys: MinHasher.bandKeys(of: texts, parameters: parameters, threads: 2))
        var result = texts.indices.map { UInt32($0) }
        for pair in finder.duplicates() { result[Int(pair.duplicate)] = pair.of }
        return result
    }
}
