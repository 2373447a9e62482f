/// Union–find over dense `UInt32` ordinals whose root is always the smallest ordinal of its set: a union points
/// the larger root at the smaller one. Finds halve their path as they go.
public struct DisjointSets: Sendable {
    private var parent: [UInt32]

    /// `count` singleton sets, 0..<count.
    public init(count: Int) {
        parent = (0..<UInt32(count)).map { $0 }
    }

    public var count: Int { parent.count }

    /// Adds a singleton set and returns its ordinal.
    public mutating func add() -> UInt32 {
        parent.append(UInt32(parent.count))
        return parent[parent.count - 1]
    }

    /// The root (smallest member) of `element`'s set.
    public mutating func find(_ element: UInt32) -> UInt32 {
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
    public mutating func union(_ first: UInt32, _ second: UInt32) {
        let a = find(first)
        let b = find(second)
        if a == b { return }
        parent[Int(max(a, b))] = min(a, b)
    }
}
