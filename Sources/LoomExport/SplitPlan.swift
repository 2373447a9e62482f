import Foundation
import LoomCore

/// Named splits with the share of records each should get, e.g. train 0.9, validation 0.05, test 0.05.
public struct SplitPlan: Sendable, Hashable, Codable {
    public struct Split: Sendable, Hashable, Codable {
        public var name: String
        public var fraction: Double

        public init(name: String, fraction: Double) {
            self.name = name
            self.fraction = fraction
        }
    }

    public var splits: [Split]
    /// Seeds the assignment of image groups to splits: the same seed and data give the same splits.
    public var seed: UInt64

    /// - Throws: `LoomError` of kind `.usage` for empty or repeated names, names that are not plain words,
    ///   and fractions that are not positive or do not add up to 1.
    public init(splits: [Split], seed: UInt64 = 0) throws {
        guard !splits.isEmpty else { throw LoomError(.usage, "a split plan needs at least one split") }
        var seen: Set<String> = []
        for split in splits {
            guard !split.name.isEmpty, split.name.utf8.allSatisfy({ $0 == 0x5F || $0 == 0x2D || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
            else {
                throw LoomError(.usage, "split name '\(split.name)' must be lower-case letters, digits, '-' or '_'")
            }
            guard seen.insert(split.name).inserted else { throw LoomError(.usage, "split '\(split.name)' is named twice") }
            guard split.fraction > 0, split.fraction.isFinite else {
                throw LoomError(.usage, "split '\(split.name)' needs a positive share, not \(split.fraction)")
            }
        }
        let total = splits.reduce(0) { $0 + $1.fraction }
        guard abs(total - 1) < 1e-6 else {
            throw LoomError(.usage, "the split shares add up to \(total), not 1")
        }
        self.splits = splits
        self.seed = seed
    }

    /// Parses `train=0.9,validation=0.05,test=0.05`.
    public static func parse(_ text: String, seed: UInt64 = 0) throws -> SplitPlan {
        let splits = try text.split(separator: ",").map { part -> Split in
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, let fraction = Double(pieces[1]) else {
                throw LoomError(.usage, "'\(part)' is not NAME=SHARE (e.g. train=0.9)")
            }
            return Split(name: pieces[0], fraction: fraction)
        }
        return try SplitPlan(splits: splits, seed: seed)
    }

    /// The split a group falls in, from a 64-bit hash of the group's key: fixed for a seed.
    func split(forGroupKey key: String) -> String {
        let unit = Double(StableID.seed(seed, key) >> 11) / Double(1 << 53)
        var cumulative = 0.0
        for split in splits {
            cumulative += split.fraction
            if unit < cumulative { return split.name }
        }
        return splits[splits.count - 1].name
    }
}
