/// Union–find over dense `UInt32` ordinals whose root is always the smallest ordinal of its set: a union points
/// the larger root at the smaller one. Finds halve their path as they go.
struct DisjointSets {
    private var parent: [UInt32]

    /// `count` singleton sets, 0..<count.
    init(count: Int) {
        parent = (0..<UInt32(count)).map { $0 }
    }

    var count: Int { parent.count }

    /// The root (smallest member) of `element`'s set.
    mutating func find(_ element: UInt32) -> UInt32 {
        parent.withUnsafeMutableBufferPointer { parent in
            var current = element
            while parent[Int(current)] != current {
                let grandparent = parent[Int(parent[Int(current)])]
                parent[Int(current)] = grandparent
                current = grandparent
            }
            return current
        }
    }

    /// Merges the sets of `first` and `second`.
    mutating func union(_ first: UInt32, _ second: UInt32) {
        let a = find(first)
        let b = find(second)
        if a == b { return }
        parent[Int(max(a, b))] = min(a, b)
    }
}
