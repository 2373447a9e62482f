/// MMInstruct's cost figures for a run: everything its model calls paid, per distinct image and per
/// model-written record. Read with `RunStore.cost()`; `loom status` and the data card both show it.
public struct RunCost: Sendable, Hashable, Codable {
    /// Dollars paid over every invocation of the run.
    public var total: Double
    /// Prompt and completion tokens paid for.
    public var tokens: Int
    /// `total` over the distinct ingested images (near-duplicates left out); nil without ingested images.
    public var perImage: Double?
    /// `total` over the model-written records; nil when no model wrote one.
    public var perRecord: Double?
    /// Model-written records.
    public var records: Int
    /// The run made no model call itself (a mix of other runs): `total` and `tokens` are what its records' calls
    /// cost in the runs that made them, from each record's provenance.
    public var fromRecordProvenance = false
    /// Manual correction's verdicts and time; nil when no verdict was given.
    public var review: ReviewEffort?
    /// Dollars per reviewer-hour (the recipe's `review.hourly_rate`); nil when not given.
    public var reviewHourlyRate: Double?

    /// What manual correction cost at `reviewHourlyRate`; nil without a rate or without verdicts.
    public var reviewCost: Double? {
        guard let review, let reviewHourlyRate else { return nil }
        return review.hours * reviewHourlyRate
    }

    /// Model calls and manual correction together (the model calls alone without a rate).
    public var totalWithReview: Double { total + (reviewCost ?? 0) }

    public init(total: Double, tokens: Int, perImage: Double?, perRecord: Double?, records: Int) {
        self.total = total
        self.tokens = tokens
        self.perImage = perImage
        self.perRecord = perRecord
        self.records = records
    }
}
