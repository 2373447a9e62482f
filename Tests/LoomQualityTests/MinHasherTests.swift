import LoomCore
import Testing
@testable import LoomQuality

@Suite struct MinHasherTests {
    @Test func signaturesAreDeterministicAndSeeded() throws {
        let text = "Image 1: <image>\nWhat colour is the large cube to the left of the red sphere?\nIt is green."
        var first = MinHasher()
        var second = MinHasher(parameters: .standard)
        let signature = first.signature(of: text)
        #expect(signature.count == 128)
        #expect(signature == second.signature(of: text))
        #expect(!signature.contains(UInt64.max))
        var reseeded = MinHasher(parameters: try MinHashParameters(seed: 2))
        #expect(MinHasher.estimatedJaccard(signature, reseeded.signature(of: text)) < 0.1)
    }

    /// Band keys are stored by the quality stage and must not change between versions: these are the keys of the
    /// standard parameters, pinned when the hash was written.
    @Test func bandKeysArePinned() {
        var hasher = MinHasher()
        let keys = hasher.bandKeys(of: "What colour is the large cube to the left of the red sphere?")
        #expect(keys.count == 9)
        #expect(keys.map { String($0, radix: 16) } == Self.pinnedKeys)
        #expect(Hash64.bytes("cube", count: 4) == 12_671_240_720_928_623_509)
    }

    static let pinnedKeys = [
        "c1bb0aead2c6448b", "91310ae756d17eb4", "39c49e8bfa737711", "e46e315bfe53faea", "2ce7eb59304c6ecc",
        "85b88b8d316d2c93", "602bd73437087ed8", "c296df2e753df544", "a217951fd537598",
    ]

    /// The one-pass word hashing over the padded buffer equals hashing each word of `NormalizedText.words` alone.
    @Test(arguments: [
        "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjjjjjjjj kkkkkkkkkkkkkkkkk",
        "Image 1: <image>\nWhat colour is the cube?", "x", "two words", "Ünïcode wörds ΣΊΣΥΦΟΣ 日本語のテキスト。",
        "abcdefgh", "abcdefgh abcdefghi abcdefg", "",
    ])
    func shingleHashesMatchTheReference(_ text: String) throws {
        for size in [1, 3, 5] {
            var hasher = MinHasher(parameters: try MinHashParameters(shingleSize: size))
            let words = NormalizedText.words(text).map { word in
                var word = String(word)
                return word.withUTF8 { Hash64.bytes($0.baseAddress!, count: $0.count) }
            }
            var reference: [UInt64] = []
            words.withUnsafeBufferPointer { words in
                if words.isEmpty { return }
                if words.count <= size { reference.append(Hash64.shingle(words)) } else {
                    for start in 0...(words.count - size) {
                        reference.append(Hash64.shingle(UnsafeBufferPointer(rebasing: words[start..<(start + size)])))
                    }
                }
            }
            #expect(hasher.shingleHashes(of: text) == reference)
        }
    }

    @Test func theComparisonFormIsWhatIsHashed() {
        var hasher = MinHasher()
        let a = hasher.signature(of: "Image 1: <image>\nWhat colour is the cube?")
        #expect(a == hasher.signature(of: "<image>\nwhat COLOUR is the   cube"))
        #expect(a != hasher.signature(of: "What colour is the sphere?"))
    }

    @Test func emptyAndShortTexts() {
        var hasher = MinHasher()
        let empty = hasher.signature(of: "<image>\n?!")
        #expect(empty.allSatisfy { $0 == UInt64.max })
        #expect(hasher.bandKeys(of: "") == hasher.bandKeys(of: "Image 1: <image>"))
        // Fewer words than the shingle size: the whole text is one shingle, so order matters.
        let redCube = hasher.signature(of: "red cube")
        #expect(!redCube.contains(UInt64.max))
        #expect(MinHasher.estimatedJaccard(redCube, hasher.signature(of: "cube red")) < 0.1)
        #expect(redCube == hasher.signature(of: "Red, cube!"))
    }

    @Test func bandKeysComeFromTheSignature() {
        var hasher = MinHasher()
        let text = "How many metal cylinders are behind the small rubber ball? There are two."
        let signature = hasher.signature(of: text)
        var keys = [UInt64](repeating: 0, count: 9)
        signature.withUnsafeBufferPointer { signature in
            keys.withUnsafeMutableBufferPointer {
                MinHasher.bandKeys(signature: signature, parameters: .standard, into: $0)
            }
        }
        #expect(keys == hasher.bandKeys(of: text))
        #expect(Set(keys).count == 9)
    }

    @Test func estimatedJaccardIsCloseToTrueJaccard() throws {
        let parameters = try MinHashParameters(permutations: 256)
        var hasher = MinHasher(parameters: parameters)
        var random = SeededGenerator(seed: 7)
        let vocabulary = PlantedCorpus.vocabulary(count: 300, random: &random)
        var totalError = 0.0
        let pairs = 200
        for _ in 0..<pairs {
            let base = (0..<random.int(in: 20...60)).map { _ in random.pick(vocabulary)! }
            var other = base
            for _ in 0..<random.int(in: 0...12) { other[random.int(in: 0...(other.count - 1))] = random.pick(vocabulary)! }
            let a = base.joined(separator: " ")
            let b = other.joined(separator: " ")
            let truth = PlantedCorpus.jaccard(a, b, shingleSize: 3)
            let estimate = MinHasher.estimatedJaccard(hasher.signature(of: a), hasher.signature(of: b))
            // Standard deviation of the estimate is at most 0.5 / √256 = 0.031.
            #expect(abs(estimate - truth) < 0.13, "truth \(truth), estimate \(estimate)")
            totalError += abs(estimate - truth)
        }
        #expect(totalError / Double(pairs) < 0.03)
    }

    @Test func parallelBatchEqualsOneByOne() {
        var random = SeededGenerator(seed: 11)
        let vocabulary = PlantedCorpus.vocabulary(count: 200, random: &random)
        let texts = (0..<700).map { index in
            index % 97 == 0 ? "" : (0..<random.int(in: 1...40)).map { _ in random.pick(vocabulary)! }.joined(separator: " ")
        }
        var hasher = MinHasher()
        let serial = texts.flatMap { hasher.bandKeys(of: $0) }
        for threads in [1, 2, 3] {
            #expect(MinHasher.bandKeys(of: texts, parameters: .standard, threads: threads) == serial)
        }
        #expect(MinHasher.bandKeys(of: [], parameters: .standard, threads: 2).isEmpty)
    }
}
