import LoomCore
@testable import LoomQuality

/// Seeded texts with planted near-duplicates of known shingle Jaccard similarity, for recall and precision tests.
enum PlantedCorpus {
    /// `count` distinct pseudo-words of 2–4 syllables.
    static func vocabulary(count: Int, random: inout SeededGenerator) -> [String] {
        let onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "pl"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        var words = Set<String>()
        var ordered: [String] = []
        while ordered.count < count {
            let word = (0..<random.int(in: 2...4)).map { _ in random.pick(onsets)! + random.pick(vowels)! }.joined()
            if words.insert(word).inserted { ordered.append(word) }
        }
        return ordered
    }

    /// The set of shingles of `text`'s comparison form, as strings (the reference the hasher is checked against).
    static func shingles(_ text: String, shingleSize: Int) -> Set<String> {
        let words = NormalizedText.words(text).map(String.init)
        if words.isEmpty { return [] }
        if words.count <= shingleSize { return [words.joined(separator: " ")] }
        return Set((0...(words.count - shingleSize)).map { words[$0..<($0 + shingleSize)].joined(separator: " ") })
    }

    static func jaccard(_ a: String, _ b: String, shingleSize: Int) -> Double {
        let first = shingles(a, shingleSize: shingleSize)
        let second = shingles(b, shingleSize: shingleSize)
        let union = first.union(second).count
        return union == 0 ? 1 : Double(first.intersection(second).count) / Double(union)
    }

    struct Planted {
        var texts: [String]
        /// (copy, original, true Jaccard) by index into `texts`.
        var pairs: [(copy: Int, original: Int, jaccard: Double)]
        /// For every text, the index of its original (itself for bases).
        var family: [Int]
    }

    /// `bases` texts of 30–60 words, then `copies` copies of distinct bases, each edited by word substitutions,
    /// insertions and deletions until its shingle Jaccard similarity to the original is in `similarity`.
    static func make(
        bases: Int, copies: Int, similarity: ClosedRange<Double>, seed: UInt64, shingleSize: Int = 3
    ) -> Planted {
        var random = SeededGenerator(seed: seed)
        let vocabulary = vocabulary(count: 3000, random: &random)
        var texts: [String] = []
        var family: [Int] = []
        for index in 0..<bases {
            var words = (0..<random.int(in: 30...60)).map { _ in random.pick(vocabulary)! }
            words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
            texts.append(words.joined(separator: " ") + "?")
            family.append(index)
        }
        var pairs: [(copy: Int, original: Int, jaccard: Double)] = []
        var originals = Array(0..<bases)
        originals.shuffle(using: &random)
        for original in originals.prefix(copies) {
            let source = texts[original]
            var words = source.split(separator: " ").map(String.init)
            var result: (text: String, jaccard: Double)?
            var attempts = 0
            while result == nil && attempts < 200 {
                attempts += 1
                var edited = words
                let position = random.int(in: 0...(edited.count - 1))
                switch random.int(in: 0...2) {
                case 0: edited[position] = random.pick(vocabulary)!
                case 1: edited.insert(random.pick(vocabulary)!, at: position)
                default: if edited.count > 5 { edited.remove(at: position) }
                }
                let text = edited.joined(separator: " ")
                let value = jaccard(source, text, shingleSize: shingleSize)
                if value < similarity.lowerBound { continue }  // too far: try another edit from the same state
                words = edited
                if value <= similarity.upperBound { result = (text, value) }
            }
            guard let result else { continue }
            pairs.append((texts.count, original, result.jaccard))
            texts.append(result.text)
            family.append(original)
        }
        return Planted(texts: texts, pairs: pairs, family: family)
    }
}
