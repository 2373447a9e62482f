/// Deliberate crashes at chosen points, for tests of resumption.
public struct FaultPlan: Sendable, Hashable {
    /// Throw instead of committing this batch (1-based): the batch's work is lost, as in a kill mid-batch.
    public var crashBeforeBatch: Int?
    /// Throw after every sample is stored, before the exports: a crash between stages.
    public var crashBeforeExport: Bool

    public init(crashBeforeBatch: Int? = nil, crashBeforeExport: Bool = false) {
        self.crashBeforeBatch = crashBeforeBatch
        self.crashBeforeExport = crashBeforeExport
    }
}

/// The error a planned fault throws.
public struct InjectedCrash: Error, CustomStringConvertible {
    public var point: String
    public var description: String { "injected crash at \(point)" }
}
