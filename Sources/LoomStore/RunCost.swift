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

    public init(total: Double, tokens: Int, perImage: Double?, perRecord: Double?, records: Int) {
        self.total = total
        self.tokens = tokens
        self.perImage = perImage
        self.perRecord = perRecord
        self.records = records
    }
}
