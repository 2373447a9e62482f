/// A label and how many records (or items) carry it.
public struct LabelCount: Sendable, Hashable, Codable {
    public var label: String
    public var count: Int

    public init(label: String, count: Int) {
        self.label = label
        self.count = count
    }

    /// Counts sorted largest first, then by label, for tables and charts.
    public static func sorted(_ counts: [String: Int]) -> [LabelCount] {
        counts.map { LabelCount(label: $0.key, count: $0.value) }.sorted { ($0.count, $1.label) > ($1.count, $0.label) }
    }

    /// Counts of numeric labels in numeric order ("1", "2", …, "16").
    public static func numericallySorted(_ counts: [Int: Int]) -> [LabelCount] {
        counts.sorted { $0.key < $1.key }.map { LabelCount(label: String($0.key), count: $0.value) }
    }
}
