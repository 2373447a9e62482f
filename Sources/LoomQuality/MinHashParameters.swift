import Foundation

/// The settings of MinHash near-duplicate detection: signature length, banding, shingling, seed.
///
/// Band keys depend on every field but `threshold` (which only chooses the banding), so keys stored under one
/// set of parameters can be compared only with keys made under equal parameters.
///
/// **What the threshold means.** As in datasketch, `threshold` is where the banding's S-curve is placed by
/// ``optimal(threshold:permutations:falsePositiveWeight:falseNegativeWeight:)``, not a guaranteed recall. Two
/// texts of Jaccard similarity `s` share a band with probability `1 − (1 − s^rows)^bands`
/// (``candidateProbability(jaccard:)``). With the defaults (128 permutations, threshold 0.8: 9 bands × 13 rows)
/// that is 0.40 at s = 0.8, 0.69 at 0.85, 0.93 at 0.9 and 0.012 at 0.6. To find pairs of similarity 0.8 or more
/// reliably, place the curve lower: threshold 0.6 gives 18 × 7, with 0.986 at 0.8, 0.999 at 0.85, 0.13 at 0.5.
public struct MinHashParameters: Codable, Sendable, Hashable {
    /// Length of the signature: the number of hash permutations.
    public let permutations: Int
    /// Number of LSH bands.
    public let bands: Int
    /// Signature values per band. `bands × rows ≤ permutations`; the rest of the signature is not banded.
    public let rows: Int
    /// Words per shingle. A text with fewer words is one shingle of all its words; a text with none has the
    /// empty set's signature, so all empty texts match each other.
    public let shingleSize: Int
    /// The similarity the banding was chosen for (see the type's notes).
    public let threshold: Double
    /// Seeds the permutations.
    public let seed: UInt64

    /// Seed used when none is given.
    public static let defaultSeed: UInt64 = 1

    /// 128 permutations, threshold 0.8 (9 bands × 13 rows), 3-word shingles, the default seed.
    public static let standard = try! MinHashParameters()

    /// Parameters; banding from `optimal(threshold:permutations:)` unless both `bands` and `rows` are given.
    public init(
        permutations: Int = 128, threshold: Double = 0.8, shingleSize: Int = 3, seed: UInt64 = defaultSeed,
        bands: Int? = nil, rows: Int? = nil
    ) throws(MinHashParameterError) {
        guard permutations >= 1 && permutations <= 1024 else { throw .permutations(permutations) }
        guard threshold > 0 && threshold <= 1 else { throw .threshold(threshold) }
        guard shingleSize >= 1 && shingleSize <= 64 else { throw .shingleSize(shingleSize) }
        let banding: (bands: Int, rows: Int)
        switch (bands, rows) {
        case (nil, nil): banding = Self.optimal(threshold: threshold, permutations: permutations)
        case let (bands?, rows?): banding = (bands, rows)
        default: throw .banding(bands: bands ?? 0, rows: rows ?? 0, permutations: permutations)
        }
        guard banding.bands >= 1 && banding.rows >= 1 && banding.bands * banding.rows <= permutations else {
            throw .banding(bands: banding.bands, rows: banding.rows, permutations: permutations)
        }
        self.permutations = permutations
        self.bands = banding.bands
        self.rows = banding.rows
        self.shingleSize = shingleSize
        self.threshold = threshold
        self.seed = seed
    }

    /// Decodes and validates: stored parameters that break a rule fail as `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                permutations: try container.decode(Int.self, forKey: .permutations),
                threshold: try container.decode(Double.self, forKey: .threshold),
                shingleSize: try container.decode(Int.self, forKey: .shingleSize),
                seed: try container.decode(UInt64.self, forKey: .seed),
                bands: try container.decode(Int.self, forKey: .bands),
                rows: try container.decode(Int.self, forKey: .rows))
        } catch let error as MinHashParameterError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Probability that two texts of Jaccard similarity `jaccard` share at least one band.
    public func candidateProbability(jaccard: Double) -> Double {
        1 - pow(1 - pow(jaccard, Double(rows)), Double(bands))
    }

    /// The banding that minimizes `falsePositiveWeight × FP + falseNegativeWeight × FN`, where FP is the
    /// integral of the candidate probability over similarities below `threshold` and FN the integral of its
    /// complement above it; every `bands × rows ≤ permutations` is tried, bands outer, rows inner, the first
    /// minimum kept. This is the rule of datasketch's `MinHashLSH` (`_optimal_param`), so both sides of a
    /// comparison band alike: threshold 0.8 and 128 permutations give 9 × 13, as datasketch does. The integrals
    /// are exact here (Gauss–Legendre with enough nodes for the polynomial's degree); datasketch uses adaptive
    /// quadrature (scipy's `quad`). The two choices were compared on a grid (thresholds 0.05, 0.10, …, 0.95 ×
    /// permutations 16, 32, 64, 100, 128, 256) and agree on all 114 cases; the tests pin eleven of them.
    public static func optimal(
        threshold: Double, permutations: Int, falsePositiveWeight: Double = 0.5, falseNegativeWeight: Double = 0.5
    ) -> (bands: Int, rows: Int) {
        precondition(permutations >= 1)
        let quadrature = GaussLegendre(points: permutations / 2 + 1)
        var best = (bands: 0, rows: 0)
        var bestError = Double.infinity
        for bands in 1...permutations {
            let b = Double(bands)
            for rows in 1...(permutations / bands) {
                let r = Double(rows)
                let falsePositive = quadrature.integrate(from: 0, to: threshold) { s in 1 - pow(1 - pow(s, r), b) }
                let falseNegative = quadrature.integrate(from: threshold, to: 1) { s in pow(1 - pow(s, r), b) }
                let error = falsePositive * falsePositiveWeight + falseNegative * falseNegativeWeight
                if error < bestError {
                    bestError = error
                    best = (bands, rows)
                }
            }
        }
        return best
    }
}

/// Why a set of MinHash parameters was refused.
public enum MinHashParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Permutations outside 1…1024.
    case permutations(Int)
    /// A threshold outside (0, 1].
    case threshold(Double)
    /// A shingle size outside 1…64 words.
    case shingleSize(Int)
    /// Only one of bands and rows given, one below 1, or more banded values than permutations.
    case banding(bands: Int, rows: Int, permutations: Int)

    /// The rule that was broken, for messages.
    public var description: String {
        switch self {
        case .permutations(let count): "permutations must be 1…1024, not \(count)"
        case .threshold(let value): "threshold must be in (0, 1], not \(value)"
        case .shingleSize(let size): "shingle size must be 1…64 words, not \(size)"
        case let .banding(bands, rows, permutations):
            "bands and rows must both be given, at least 1, with bands × rows ≤ permutations (\(permutations)); got \(bands) × \(rows)"
        }
    }
}
