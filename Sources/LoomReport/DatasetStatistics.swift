/// Counts that describe a dataset (filled in by the statistics reader).
public struct DatasetStatistics: Codable, Sendable, Hashable {
    public var records: Int = 0
    public init() {}
}
