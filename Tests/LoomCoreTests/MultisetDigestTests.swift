import LoomCore
import Testing

@Suite("MultisetDigest")
struct MultisetDigestTests {
    private func digest(_ items: [String]) -> MultisetDigest {
        var digest = MultisetDigest()
        for item in items { digest.add(item) }
        return digest
    }

    @Test("the same items in any order give the same digest")
    func orderIndependent() {
        #expect(digest(["a", "b", "c"]) == digest(["c", "a", "b"]))
        #expect(digest(["a", "b", "c"]).summary == digest(["b", "c", "a"]).summary)
    }

    @Test("a repeated item, a missing item, a changed item and a moved boundary all change the digest")
    func differences() {
        let base = digest(["ab", "c"])
        #expect(base != digest(["ab", "c", "c"]))
        #expect(base != digest(["ab"]))
        #expect(base != digest(["ab", "d"]))
        #expect(base != digest(["a", "bc"]))
        #expect(digest([]).summary == "0:0.0.0.0")
    }

    @Test("an item's first two lanes are its XXH3-128 with seed 0, low half first")
    func oneItem() {
        // XXH3-128 of the empty input with seed 0, as xxHash's own sanity checks give it.
        let summary = digest([""]).summary
        #expect(summary.hasPrefix("1:6001c324468d497f.99aa06d3014798d8."))
        #expect(digest(["loom"]).summary != digest([""]).summary)
    }

    @Test("taking an item away gives the digest of the items without it; digests add up and spell back")
    func removeAndAdd() throws {
        var digest = digest(["a", "b", "c"])
        digest.remove(MultisetDigest.Item(text: "b"))
        #expect(digest == self.digest(["a", "c"]))
        var sum = self.digest(["a"])
        sum.add(self.digest(["c"]))
        #expect(sum == digest)
        #expect(MultisetDigest(summary: digest.summary) == digest)
        #expect(MultisetDigest(summary: "2:1.2.3") == nil)
        #expect(MultisetDigest().isEmpty && !digest.isEmpty)
    }

    @Test("an item of texts is the item of their parts' bytes, each after its length")
    func textsAndParts() {
        let texts: [String?] = ["id-1", nil, "", "é"]
        var bytes = texts.map { $0.map { Array($0.utf8) } }
        let fromParts = bytes[0]!.withUnsafeBufferPointer { first in
            bytes[2]!.withUnsafeBufferPointer { third in
                bytes[3]!.withUnsafeBufferPointer { fourth in MultisetDigest.Item(parts: [first, nil, third, fourth]) }
            }
        }
        bytes = []
        #expect(MultisetDigest.Item(texts: texts) == fromParts)
        #expect(MultisetDigest.Item(texts: ["ab", "c"]) != MultisetDigest.Item(texts: ["a", "bc"]))
    }

    @Test("bytes and the string they spell give the same digest")
    func bytesAndString() {
        var fromBytes = MultisetDigest()
        Array("é and ü".utf8).withUnsafeBufferPointer { fromBytes.add(utf8: $0) }
        #expect(fromBytes == digest(["é and ü"]))
    }
}
