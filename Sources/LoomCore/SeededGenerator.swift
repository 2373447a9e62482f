/// A small, fast, platform-independent random number generator (SplitMix64).
///
/// `SystemRandomNumberGenerator` cannot be seeded, and Foundation's generators differ between platforms;
/// Loom needs the same stream for the same seed everywhere so that runs are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose stream is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly drawn Double in `range`.
    public mutating func double(in range: ClosedRange<Double>) -> Double {
        let unit = Double(next() >> 11) * 0x1.0p-53
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    /// A uniformly drawn Int in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// A uniformly drawn element; `nil` when `items` is empty.
    public mutating func pick<C: Collection>(_ items: C) -> C.Element? {
        items.randomElement(using: &self)
    }

    /// A Bernoulli draw with the given probability of `true`.
    public mutating func chance(_ probability: Double) -> Bool {
        double(in: 0...1) < probability
    }
}
