import LoomStore

/// The progress page's figures.
public struct ReviewProgress: Sendable {
    public struct Reviewer: Sendable, Hashable {
        public var name: String
        public var passes: Int
        public var accepted: Int
        /// Passes in the last hour.
        public var lastHour: Int
        /// Passes per hour between their first and last pass (nil with fewer than two distinct times).
        public var perHour: Double?
    }

    public var statuses: [ReviewStatus: Int]
    /// Annotator passes per round (pass number): accepted and rejected.
    public var rounds: [(pass: Int, accepted: Int, rejected: Int)]
    public var reviewers: [Reviewer]
    public var agreement: AgreementStatistics

    public var totalRecords: Int { statuses.values.reduce(0, +) }
}
