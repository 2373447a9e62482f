import Testing

@testable import LoomCore

@Suite("Short decimal spelling")
struct ShortDecimalSpellingTests {
    private func spelled(_ value: Double) -> String? {
        var bytes: [UInt8] = []
        guard ShortDecimalSpelling.append(value, to: &bytes) else {
            #expect(bytes.isEmpty)
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("whole hundredths, ten-thousandths and units are spelled as description spells them")
    func roundedValues() {
        var rng = SeededGenerator(seed: 7)
        for places in 0...4 {
            let scale = [1.0, 10, 100, 1_000, 10_000][places]
            for _ in 0..<40_000 {
                let units = Double(UInt64.random(in: 0..<1_000_000_000_000, using: &rng) >> UInt64.random(in: 0...36, using: &rng))
                for value in [units / scale, -units / scale] {
                    if let short = spelled(value) { #expect(short == value.description, "\(value)") }
                }
            }
        }
    }

    @Test("the usual geometry is spelled the short way")
    func coverage() {
        for value in [397.84, 0.0069, 391.1, 1.0, 0.0, -0.0, -0.0737, 512.0, 0.0001, 999_999_999.99] {
            #expect(spelled(value) == value.description, "\(value)")
        }
    }

    @Test("other values are left to description")
    func leftAlone() {
        for value in [0.1 + 0.2, 0.00005, 1e9, 1e11, 1e16, .pi, 1.0 / 3, 0.00015 + 1e-12] {
            #expect(spelled(value) == nil, "\(value)")
        }
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<100_000 {
            let value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            if let short = spelled(value) { #expect(short == value.description, "\(value)") }
        }
    }
}
