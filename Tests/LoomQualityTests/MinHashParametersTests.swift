import Foundation
import Testing
@testable import LoomQuality

@Suite struct MinHashParametersTests {
    /// Values from datasketch 2.0.0's `_optimal_param(threshold, num_perm, 0.5, 0.5)` (and the weights given),
    /// run in the benchmark venv.
    @Test(arguments: [
        (0.8, 128, 0.5, 0.5, 9, 13), (0.5, 128, 0.5, 0.5, 25, 5), (0.9, 128, 0.5, 0.5, 5, 25),
        (0.7, 256, 0.5, 0.5, 25, 10), (0.85, 64, 0.5, 0.5, 4, 15), (0.8, 256, 0.5, 0.5, 17, 15),
        (0.6, 100, 0.5, 0.5, 16, 6), (0.95, 128, 0.5, 0.5, 3, 42), (0.6, 128, 0.5, 0.5, 18, 7),
        (0.8, 128, 0.2, 0.8, 12, 10), (0.8, 128, 0.1, 0.9, 14, 9),
    ])
    func optimalBandingMatchesDatasketch(
        _ threshold: Double, _ permutations: Int, _ falsePositive: Double, _ falseNegative: Double, _ bands: Int, _ rows: Int
    ) {
        let banding = MinHashParameters.optimal(
            threshold: threshold, permutations: permutations, falsePositiveWeight: falsePositive,
            falseNegativeWeight: falseNegative)
        #expect(banding.bands == bands && banding.rows == rows)
    }

    @Test func standardParameters() {
        let standard = MinHashParameters.standard
        #expect(standard.permutations == 128 && standard.bands == 9 && standard.rows == 13)
        #expect(standard.shingleSize == 3 && standard.threshold == 0.8 && standard.seed == MinHashParameters.defaultSeed)
        #expect(abs(standard.candidateProbability(jaccard: 0.8) - 0.3988) < 0.0005)
        #expect(abs(standard.candidateProbability(jaccard: 0.9) - 0.9286) < 0.0005)
        #expect(standard.candidateProbability(jaccard: 0) == 0 && standard.candidateProbability(jaccard: 1) == 1)
    }

    @Test func gaussLegendreIsExactForPolynomials() {
        let quadrature = GaussLegendre(points: 5)  // exact up to degree 9
        let integral = quadrature.integrate(from: 0.2, to: 0.9) { s in pow(s, 9) - 3 * pow(s, 4) + 1 }
        let exact = (pow(0.9, 10) - pow(0.2, 10)) / 10 - 3 * (pow(0.9, 5) - pow(0.2, 5)) / 5 + 0.7
        #expect(abs(integral - exact) < 1e-14)
        #expect(abs(GaussLegendre(points: 1).integrate(from: 0, to: 2) { $0 } - 2) < 1e-15)
    }

    @Test func invalidParametersAreRefused() {
        #expect(throws: MinHashParameterError.banding(bands: 10, rows: 13, permutations: 128)) {
            try MinHashParameters(bands: 10, rows: 13)
        }
        #expect(throws: MinHashParameterError.banding(bands: 4, rows: 0, permutations: 128)) {
            try MinHashParameters(bands: 4)
        }
        #expect(throws: MinHashParameterError.threshold(0)) { try MinHashParameters(threshold: 0) }
        #expect(throws: MinHashParameterError.permutations(0)) { try MinHashParameters(permutations: 0) }
        #expect(throws: MinHashParameterError.shingleSize(0)) { try MinHashParameters(shingleSize: 0) }
        #expect(throws: Never.self) { try MinHashParameters(permutations: 64, bands: 8, rows: 8) }
    }

    @Test func codableRoundTripAndValidation() throws {
        let parameters = try MinHashParameters(permutations: 64, threshold: 0.7, shingleSize: 2, seed: 42)
        let data = try JSONEncoder().encode(parameters)
        #expect(try JSONDecoder().decode(MinHashParameters.self, from: data) == parameters)
        let bad = Data(#"{"permutations":64,"bands":9,"rows":13,"shingleSize":3,"threshold":0.8,"seed":1}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MinHashParameters.self, from: bad) }
    }
}

@Suite struct RecallBandingTests {
    @Test func bandingForRecallReachesItAtTheThreshold() throws {
        let banding = MinHashParameters.banding(recall: 0.95, atJaccard: 0.8, permutations: 128)
        #expect(banding.bands == 18 && banding.rows == 7)
        let parameters = try MinHashParameters(permutations: 128, threshold: 0.8, bands: banding.bands, rows: banding.rows)
        #expect(parameters.candidateProbability(jaccard: 0.8) >= 0.95)
        // One more row per band would fall short of the recall.
        let tighter = try MinHashParameters(permutations: 128, threshold: 0.8, bands: 128 / 8, rows: 8)
        #expect(tighter.candidateProbability(jaccard: 0.8) < 0.95)
    }
}
