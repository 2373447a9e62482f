import LoomCore
import LoomIngest
import Testing

@Suite("Near-duplicate index")
struct NearDuplicateIndexTests {
    @Test("exact duplicates are found, even at threshold 0")
    func exact() {
        var index = NearDuplicateIndex(threshold: 0)
        #expect(index.add(0xDEAD_BEEF, id: "a") == nil)
        #expect(index.add(0xDEAD_BEEF, id: "b") == "a")
        #expect(index.add(0xDEAD_BEEE, id: "c") == nil)
        #expect(index.count == 2)
    }

    @Test("hashes within the threshold match, beyond it they do not")
    func threshold() {
        var index = NearDuplicateIndex(threshold: 6)
        let base: UInt64 = 0x0123_4567_89AB_CDEF
        #expect(index.add(base, id: "base") == nil)
        // Six bits spread over the whole hash, one in every other chunk.
        let six: UInt64 = (1 << 0) | (1 << 11) | (1 << 22) | (1 << 33) | (1 << 44) | (1 << 63)
        #expect(index.add(base ^ six, id: "six") == "base")
        // Seven bits: too far.
        #expect(index.add(base ^ six ^ (1 << 50), id: "seven") == nil)
        #expect(index.count == 2)
        #expect(index.representative(of: base ^ 1) == "base")
    }

    @Test("among several matching representatives the earliest added wins")
    func earliest() {
        var index = NearDuplicateIndex(threshold: 4)
        #expect(index.add(0b1111_0000, id: "first") == nil)
        #expect(index.add(~UInt64(0), id: "far") == nil)
        #expect(index.add(0b1111_0000_0000_0000, id: "second") == nil)  // 8 bits from "first"
        // 4 bits from each of "first" and "second": both match; "first" was added earlier.
        #expect(index.add(0b1100_0000_1100_0000, id: "q") == "first")
        #expect(index.add(0b0011_0000_0011_0000, id: "r") == "first")
        #expect(index.count == 3)
    }

    @Test("agrees with a brute-force scan over thousands of hashes with planted near-duplicates", arguments: [0, 3, 6, 10, 16])
    func bruteForce(threshold: Int) {
        var generator = SeededGenerator(seed: 0x5EED + UInt64(threshold))
        var index = NearDuplicateIndex(threshold: threshold)
        var representatives: [(hash: UInt64, id: String)] = []
        var all: [UInt64] = []
        var duplicates = 0
        for number in 0..<3000 {
            var hash = generator.next()
            if !all.isEmpty && generator.chance(0.4) {
                // Near an earlier hash: flip 0...threshold+2 random bits.
                hash = all[generator.int(in: 0...(all.count - 1))]
                for _ in 0..<generator.int(in: 0...(threshold + 2)) { hash ^= 1 << UInt64(generator.int(in: 0...63)) }
            }
            all.append(hash)
            let id = "h\(number)"
            let expected = representatives.first { ($0.hash ^ hash).nonzeroBitCount <= threshold }?.id
            let found = index.add(hash, id: id)
            #expect(found == expected, "hash \(number)")
            if expected == nil { representatives.append((hash, id)) } else { duplicates += 1 }
        }
        #expect(index.count == representatives.count)
        #expect(duplicates > 300)  // the planted ones were really exercised
    }
}
