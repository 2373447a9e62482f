import Crypto
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

    @Test("one item's lanes are its SHA-256, read as four little-endian 64-bit words")
    func oneItem() {
        let bytes = Array(SHA256.hash(data: Array("loom".utf8)))
        let lanes = (0..<4).map { lane in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[lane * 8 + $1]) << (8 * UInt64($1)) }
        }
        #expect(digest(["loom"]).summary == "1:" + lanes.map { String($0, radix: 16) }.joined(separator: "."))
    }

    @Test("bytes and the string they spell give the same digest")
    func bytesAndString() {
        var fromBytes = MultisetDigest()
        Array("é and ü".utf8).withUnsafeBufferPointer { fromBytes.add(utf8: $0) }
        #expect(fromBytes == digest(["é and ü"]))
    }
}
