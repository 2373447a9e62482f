/// What manual correction took: verdicts given, by how many reviewers, and an estimate of the time spent, from the
/// times the verdicts were given (MMInstruct counts the cost of its manual correction with the rest).
///
/// A reviewer's time on a record is the gap since their previous verdict. A gap longer than `breakAfter` is a break,
/// not work: the record after it counts as that reviewer's median gap (the time it took is not known).
public struct ReviewEffort: Sendable, Hashable, Codable {
    /// Verdicts given (every pass and adjudication).
    public var verdicts: Int
    /// Reviewers who gave them.
    public var reviewers: Int
    /// The estimated time spent, in seconds.
    public var seconds: Double

    /// A gap between two verdicts longer than this (seconds) is a break.
    public static let breakAfter: Double = 600

    public init(verdicts: Int = 0, reviewers: Int = 0, seconds: Double = 0) {
        self.verdicts = verdicts
        self.reviewers = reviewers
        self.seconds = seconds
    }

    /// Adds one reviewer's verdict times (seconds, in any order).
    public mutating func add(reviewerTimes times: [Double]) {
        guard !times.isEmpty else { return }
        let sorted = times.sorted()
        let gaps = zip(sorted.dropFirst(), sorted).map { $0 - $1 }
        let working = gaps.filter { $0 <= Self.breakAfter }.sorted()
        // With no gap to go by (a single verdict, or only breaks), a record counts as a minute.
        let typical = working.isEmpty ? 60 : working[working.count / 2]
        // The first verdict and every one after a break took a typical record's time.
        let starts = 1 + (gaps.count - working.count)
        verdicts += sorted.count
        reviewers += 1
        seconds += working.reduce(0, +) + Double(starts) * typical
    }

    /// The time spent in hours.
    public var hours: Double { seconds / 3600 }
}
