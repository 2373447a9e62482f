import LoomCore

/// The key that orders records by sample (`records.sample_order`, migration v10): a sample's kind, in the order a
/// run makes them (singles, pairs, sets, sequences), then its ordinal within the kind.
///
/// Ordinals count per kind, so the ordinal alone would put pair 5 next to single 5: each kind's records would
/// land in the middle of the index the kind before it filled, and every batch would rewrite pages all over it.
enum SampleOrderKey {
    /// How far apart the kinds' ranges are: room for 2^32 samples of each kind.
    static let kindStride = 1 << 32

    static func key(kind: SampleKind, ordinal: Int) -> Int {
        rank(kind) * kindStride + ordinal
    }

    /// The same key computed by SQLite from a `samples` row (its `kind` and `ordinal` columns); kinds it does not
    /// know (none today) come after the others.
    static let sql: String = {
        let cases = SampleKind.allCases.map { "WHEN '\($0.rawValue)' THEN \(rank($0))" }.joined(separator: " ")
        return "((CASE kind \(cases) ELSE \(SampleKind.allCases.count) END) * \(kindStride) + ordinal)"
    }()

    private static func rank(_ kind: SampleKind) -> Int {
        SampleKind.allCases.firstIndex(of: kind)!
    }
}
