/// Lengths in words counted into fixed bins, with the smallest, largest and mean length.
public struct LengthHistogram: Sendable, Hashable, Codable {
    /// The lower bound of each bin; a bin runs up to the next bound (exclusive), the last one has no upper bound.
    public var lowerBounds: [Int]
    public var counts: [Int]
    /// How many lengths were added.
    public var total: Int = 0
    public var minimum: Int?
    public var maximum: Int?
    /// The sum of all lengths (the mean is `sum / total`).
    public var sum: Int = 0

    /// Bins for instructions: 0–4, 5–9, … 50–74, 75–99, 100–149, 150+.
    public static let questionBounds = [0, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150]
    /// Bins for answers: 0, 1, 2, 3–4, 5–9, 10–19, 20–49, 50–99, 100–199, 200–299, 300+.
    public static let answerBounds = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 300]

    /// - Precondition: `lowerBounds` is non-empty, increasing and starts at 0.
    public init(lowerBounds: [Int]) {
        precondition(lowerBounds.first == 0 && zip(lowerBounds, lowerBounds.dropFirst()).allSatisfy { $0 < $1 })
        self.lowerBounds = lowerBounds
        counts = Array(repeating: 0, count: lowerBounds.count)
    }

    public var mean: Double? { total > 0 ? Double(sum) / Double(total) : nil }

    /// Counts one length.
    public mutating func add(_ length: Int) {
        let length = max(0, length)
        var bin = lowerBounds.count - 1
        while lowerBounds[bin] > length { bin -= 1 }
        counts[bin] += 1
        total += 1
        sum += length
        minimum = min(minimum ?? length, length)
        maximum = max(maximum ?? length, length)
    }

    /// "0–4", "3", "150+": the bin's range for labels.
    public func label(ofBin bin: Int) -> String {
        let low = lowerBounds[bin]
        guard bin + 1 < lowerBounds.count else { return "\(low)+" }
        let high = lowerBounds[bin + 1] - 1
        return high == low ? "\(low)" : "\(low)\u{2013}\(high)"
    }
}
