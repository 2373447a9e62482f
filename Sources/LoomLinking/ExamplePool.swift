/// The seeded choice of which records serve as in-context examples: a record is in the pool when a hash of its id
/// and the seed falls below the share. It depends on nothing but the id, so adding records never moves others.
public enum ExamplePool {
    /// Whether record `id` is in the example pool.
    public static func contains(_ id: String, share: Double, seed: UInt64) -> Bool {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        // SplitMix64's finalizer: FNV's low bits alone are poorly mixed.
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        hash ^= hash >> 31
        return Double(hash >> 11) * 0x1.0p-53 < share
    }

    /// The positions of `items` in the pool and the others (the queries), each in the items' order.
    static func partition(_ items: [LinkItem], share: Double, seed: UInt64) -> (pool: [Int], queries: [Int]) {
        var pool: [Int] = []
        var queries: [Int] = []
        for (index, item) in items.enumerated() {
            if contains(item.id, share: share, seed: seed) { pool.append(index) } else { queries.append(index) }
        }
        return (pool, queries)
    }
}
