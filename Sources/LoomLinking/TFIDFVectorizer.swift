import Foundation

/// TF-IDF vectors of a collection of texts, with scikit-learn's default weighting so that results can be compared
/// with its `TfidfVectorizer`: raw term counts, smoothed inverse document frequency
/// `idf(t) = ln((1 + n) / (1 + df(t))) + 1`, and each vector scaled to unit length, so that the dot product of two
/// vectors is their cosine similarity.
public struct TFIDFVectorizer: Sendable {
    /// Term → term number, in order of first appearance.
    public private(set) var vocabulary: [String: UInt32] = [:]
    /// Each term's inverse document frequency, by term number.
    public private(set) var idf: [Double] = []

    public init() {}

    /// Learns the vocabulary and the document frequencies of `texts` and returns their vectors.
    public mutating func fitTransform(_ texts: [String]) -> SparseVectors {
        var documentFrequency: [Int] = []
        // Each text's (term, count) pairs, term-ascending, kept until the idf is known.
        var counted: [[(UInt32, Int)]] = []
        counted.reserveCapacity(texts.count)
        var scratch: [UInt32] = []
        for text in texts {
            scratch.removeAll(keepingCapacity: true)
            TermTokenizer.forEachTerm(in: text) { term in
                if let number = vocabulary[term] {
                    scratch.append(number)
                } else {
                    let number = UInt32(vocabulary.count)
                    vocabulary[term] = number
                    documentFrequency.append(0)
                    scratch.append(number)
                }
            }
            let entries = Self.counts(of: &scratch)
            for (term, _) in entries { documentFrequency[Int(term)] += 1 }
            counted.append(entries)
        }
        let n = Double(texts.count)
        idf = documentFrequency.map { (1 + n) / (1 + Double($0)) }.map { log($0) + 1 }
        var vectors = SparseVectors()
        for entries in counted { vectors.append(weighted(entries)) }
        return vectors
    }

    /// The vectors of `texts` under the learned vocabulary and idf; unknown terms are ignored.
    public func transform(_ texts: [String]) -> SparseVectors {
        var vectors = SparseVectors()
        var scratch: [UInt32] = []
        for text in texts {
            scratch.removeAll(keepingCapacity: true)
            TermTokenizer.forEachTerm(in: text) { term in
                if let number = vocabulary[term] { scratch.append(number) }
            }
            vectors.append(weighted(Self.counts(of: &scratch)))
        }
        return vectors
    }

    private func weighted(_ entries: [(UInt32, Int)]) -> [(UInt32, Double)] {
        var weighted = entries.map { ($0.0, Double($0.1) * idf[Int($0.0)]) }
        let norm = weighted.reduce(0.0) { $0 + $1.1 * $1.1 }.squareRoot()
        if norm > 0 {
            for index in weighted.indices { weighted[index].1 /= norm }
        }
        return weighted
    }

    /// Sorts `terms` and returns each distinct term with how often it occurs.
    private static func counts(of terms: inout [UInt32]) -> [(UInt32, Int)] {
        terms.sort()
        var entries: [(UInt32, Int)] = []
        for term in terms {
            if let last = entries.last, last.0 == term {
                entries[entries.count - 1].1 += 1
            } else {
                entries.append((term, 1))
            }
        }
        return entries
    }
}
