import GRDB

/// Which records an export (or any reader) takes: by quality flags, media count, domain, type, skill and language.
///
/// Empty sets mean "any". The selection is applied in SQL, so unselected records are never read.
public struct RecordSelection: Sendable, Hashable, Codable {
    /// How records with quality flags are treated.
    public enum Flags: String, Sendable, Hashable, Codable, CaseIterable {
        /// Leave flagged records out (the default: flags mark records that should not be trained on).
        case exclude
        /// Take flagged and unflagged records.
        case include
        /// Take only flagged records (to review or study them).
        case only
    }

    /// How many media a record must have.
    public enum Media: String, Sendable, Hashable, Codable, CaseIterable {
        case any
        /// At most one medium (LLaVA).
        case single
        /// Two or more (Mantis).
        case multiple
        /// One or more (MIMIC-IT: Otter's image groups cannot take a text-only instruction).
        case some
        /// None: text-only records (imported ones), which Otter takes only in a group of their own.
        case none
    }

    /// Which records manual correction lets through.
    public enum Review: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every record, reviewed or not (the default).
        case any
        /// Only records the review accepted (by its passes or an adjudicator).
        case accepted
        /// Every record except those the review rejected.
        case notRejected = "not-rejected"
    }

    public var flags: Flags
    /// nil: any.
    public var review: Review?
    /// nil: any count in SQL; exports read it as "the format's own" (LLaVA single, Mantis multiple).
    public var media: Media?
    public var domains: Set<String>
    public var types: Set<String>
    public var skills: Set<String>
    public var languages: Set<String>

    public init(
        flags: Flags = .exclude, media: Media? = nil, domains: Set<String> = [], types: Set<String> = [],
        skills: Set<String> = [], languages: Set<String> = [], review: Review? = nil
    ) {
        self.flags = flags
        self.review = review
        self.media = media
        self.domains = domains
        self.types = types
        self.skills = skills
        self.languages = languages
    }

    /// The SQL condition (with a leading " WHERE ", or empty) and its arguments, over the `records` table.
    var sqlCondition: (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        switch flags {
        case .exclude: conditions.append("flagged = 0")
        case .include: break
        case .only: conditions.append("flagged = 1")
        }
        switch media ?? .any {
        case .any: break
        case .single: conditions.append("media_count <= 1")
        case .multiple: conditions.append("media_count > 1")
        case .some: conditions.append("media_count >= 1")
        case .none: conditions.append("media_count = 0")
        }
        switch review ?? .any {
        case .any: break
        case .accepted: conditions.append("id IN (SELECT record_id FROM review_states WHERE status = 'accepted')")
        case .notRejected: conditions.append("id NOT IN (SELECT record_id FROM review_states WHERE status = 'rejected')")
        }
        for (column, values) in [("domain", domains), ("type", types), ("skill", skills), ("language", languages)]
        where !values.isEmpty {
            let sorted = values.sorted()
            conditions.append("\(column) IN (\(Array(repeating: "?", count: sorted.count).joined(separator: ", ")))")
            arguments += sorted.map { $0 as any DatabaseValueConvertible }
        }
        let sql = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return (sql, StatementArguments(arguments))
    }
}
