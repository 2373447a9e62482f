import LoomCore

/// Quality flags by code and by code group ("format", "check", …), with one example reason per code.
public struct FlagSummary: Sendable, Hashable, Codable {
    /// One flag code: how many records carry it, and the first such record (in id order) with its reason.
    public struct Code: Sendable, Hashable, Codable {
        public var code: String
        /// Records that carry the code at least once.
        public var records: Int
        public var exampleRecord: String
        public var exampleReason: String
    }

    /// Codes, most frequent first.
    public var codes: [Code] = []
    /// Records per group (the part of the code before its first "."; the whole code when it has none). A record
    /// counts once per group it has a flag of.
    public var groups: [LabelCount] = []

    public init() {}

    /// The group of a flag code: "format.too_short" → "format", "judge_unsupported" → "judge_unsupported".
    public static func group(of code: String) -> String {
        code.split(separator: ".", maxSplits: 1).first.map(String.init) ?? code
    }
}

/// Counts flags as records stream by.
struct FlagCounter {
    private var codes: [String: FlagSummary.Code] = [:]
    private var groups: [String: Int] = [:]

    mutating func add(_ flags: [QualityFlag], recordID: String) {
        var seenCodes: Set<String> = []
        var seenGroups: Set<String> = []
        for flag in flags {
            if seenCodes.insert(flag.code).inserted {
                if codes[flag.code] == nil {
                    codes[flag.code] = FlagSummary.Code(code: flag.code, records: 0, exampleRecord: recordID, exampleReason: flag.reason)
                }
                codes[flag.code]?.records += 1
            }
            let group = FlagSummary.group(of: flag.code)
            if seenGroups.insert(group).inserted { groups[group, default: 0] += 1 }
        }
    }

    var result: FlagSummary {
        var out = FlagSummary()
        out.codes = codes.values.sorted { ($0.records, $1.code) > ($1.records, $0.code) }
        out.groups = LabelCount.sorted(groups)
        return out
    }
}
