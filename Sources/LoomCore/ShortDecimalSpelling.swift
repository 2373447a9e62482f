/// Spells a `Double` that is a whole number of hundredths, ten-thousandths or the like (what scene geometry is
/// rounded to before it is stored) exactly as `Double.description` does, without its general algorithm.
///
/// `description` finds the shortest digits that read back as the same `Double`, which cost about 4 ms of a
/// quickstart's encoding (a few hundred thousand coordinates). For a value `v` with `v == Double(k) / 10^d`, the
/// decimal `k / 10^d` reads back as `v` (the division rounds to the nearest `Double`, and so does reading), and for
/// the smallest such `d` no shorter spelling does: two decimals with at most `d` places lie at least `10^-d` apart,
/// far more than the spacing of `Double`s below `maximumMagnitude`. Anything else returns false, for the caller to
/// spell with `description`.
enum ShortDecimalSpelling {
    /// The most decimal places tried.
    static let maximumPlaces = 4
    /// Below 1e-4 and from 2^53 on `description` switches to exponents; below 1e9 a ten-thousandth is more than
    /// 800 times the spacing of `Double`s (1.2e-7 just below 1e9).
    static let minimumMagnitude = 1e-4
    static let maximumMagnitude = 1e9

    private static let scales: [Double] = [1, 10, 100, 1_000, 10_000]
    private static let divisors: [UInt64] = [1, 10, 100, 1_000, 10_000]

    /// Appends `value`'s spelling to `out` and returns true, or appends nothing and returns false.
    @inline(__always)
    static func append<Sink: JSONByteSink & ~Copyable>(_ value: Double, to out: inout Sink) -> Bool {
        if value == 0 {
            // "0.0" and "-0.0", as `description` spells them.
            if value.sign == .minus { out.append(0x2D) }
            out.append(0x30)
            out.append(0x2E)
            out.append(0x30)
            return true
        }
        let magnitude = value.magnitude
        guard magnitude >= minimumMagnitude, magnitude < maximumMagnitude else { return false }
        for places in 0...maximumPlaces {
            let scale = scales[places]
            let scaled = (magnitude * scale).rounded()
            guard scaled / scale == magnitude else { continue }
            let units = UInt64(scaled)
            if value < 0 { out.append(0x2D) }
            JSONBuilder.appendDecimal(units / divisors[places], to: &out)
            out.append(0x2E)
            if places == 0 {
                out.append(0x30)
            } else {
                var fraction = units % divisors[places]
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumPlaces) { digits in
                    for index in stride(from: places - 1, through: 0, by: -1) {
                        digits[index] = 0x30 + UInt8(truncatingIfNeeded: fraction % 10)
                        fraction /= 10
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<places]))
                }
            }
            return true
        }
        return false
    }
}
