/// Deliberate crashes at chosen points, for tests of resumption.
public struct FaultPlan: Sendable, Hashable {
    /// Throw instead of committing this batch (1-based): the batch's work is lost, as in a kill mid-batch.
    public var crashBeforeBatch: Int?
    /// Throw while making the scene sample with this id: an error that stops the run while other samples are
    /// being made and stored.
    public var crashInSample: String?
    /// Throw after every sample is stored, before the exports: a crash between stages.
    public var crashBeforeExport: Bool
    /// Throw in the quality stage's dedup pass after this many pages of MinHash keys are stored.
    public var crashInDedupAfterPages: Int?
    /// Records per page of the dedup pass (small in tests, so that a crash falls between pages).
    public var dedupPageSize: Int?

    public init(
        crashBeforeBatch: Int? = nil, crashInSample: String? = nil, crashBeforeExport: Bool = false,
        crashInDedupAfterPages: Int? = nil, dedupPageSize: Int? = nil
    ) {
        self.crashBeforeBatch = crashBeforeBatch
        self.crashInSample = crashInSample
        self.crashBeforeExport = crashBeforeExport
        self.crashInDedupAfterPages = crashInDedupAfterPages
        self.dedupPageSize = dedupPageSize
    }
}

/// The error a planned fault throws.
public struct InjectedCrash: Error, CustomStringConvertible {
    public var point: String
    public var description: String { "injected crash at \(point)" }
}
