/// Many sparse vectors in one compressed-row layout: vector `i` has the terms `terms[offsets[i]..<offsets[i+1]]`
/// (ascending) with the weights at the same positions. Three flat arrays instead of one array per vector keep a
/// hundred thousand vectors to three allocations.
public struct SparseVectors: Sendable {
    public private(set) var offsets: [Int] = [0]
    public private(set) var terms: [UInt32] = []
    public private(set) var weights: [Double] = []

    public init() {}

    /// How many vectors there are.
    public var count: Int { offsets.count - 1 }

    /// Appends a vector given as (term, weight) pairs with ascending, distinct terms.
    public mutating func append<Entries: Sequence>(_ entries: Entries) where Entries.Element == (UInt32, Double) {
        for (term, weight) in entries {
            terms.append(term)
            weights.append(weight)
        }
        offsets.append(terms.count)
    }

    /// The positions of vector `index`'s entries in `terms` and `weights`.
    @inline(__always)
    public func range(_ index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }

    /// The dot product of vectors `a` of `self` and `b` of `other` (a merge of the two sorted term lists).
    public func dot(_ a: Int, _ other: SparseVectors, _ b: Int) -> Double {
        var i = offsets[a]
        let iEnd = offsets[a + 1]
        var j = other.offsets[b]
        let jEnd = other.offsets[b + 1]
        var sum = 0.0
        while i < iEnd && j < jEnd {
            let (x, y) = (terms[i], other.terms[j])
            if x == y {
                sum += weights[i] * other.weights[j]
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }
}
