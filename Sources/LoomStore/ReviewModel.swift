import Foundation
import LoomCore

/// What a review account may do.
public enum ReviewerRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Reviews records in batches, one pass at a time.
    case annotator
    /// Also decides records the passes disagreed on, and restores versions.
    case adjudicator
    /// Also creates batches and sees every page.
    case admin

    /// Whether the role decides the adjudication queue.
    public var adjudicates: Bool { self != .annotator }

    private var rank: Int {
        switch self {
        case .annotator: 0
        case .adjudicator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: ReviewerRole, rhs: ReviewerRole) -> Bool { lhs.rank < rhs.rank }
}

/// A review account. The password is kept only as a salted slow hash (`LoomReview.PasswordHasher`).
public struct ReviewerAccount: Sendable, Hashable {
    public var name: String
    public var role: ReviewerRole
    public var passwordHash: String
    public var createdAt: Double

    public init(name: String, role: ReviewerRole, passwordHash: String, createdAt: Double) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// Where a record stands in manual correction.
public enum ReviewStatus: String, Sendable, Codable, CaseIterable {
    /// No pass yet (a record without a `review_states` row is pending too).
    case pending
    /// Some passes done, fewer than required.
    case inReview = "in_review"
    case accepted
    case rejected
    /// The passes disagreed under the policy: an adjudicator decides.
    case adjudication

    /// Whether annotators' passes may still be added.
    public var isOpen: Bool { self == .pending || self == .inReview }
}

/// An annotator's decision on one pass.
public enum ReviewVerdict: String, Sendable, Codable, CaseIterable {
    case accept, reject
}

/// One pass over a record: who decided what, on which version.
public struct ReviewPass: Sendable, Hashable {
    public var recordID: String
    /// 1-based; the adjudicator's decision follows the last annotator pass.
    public var pass: Int
    public var reviewer: String
    public var verdict: ReviewVerdict
    /// Why a record was rejected (from the list or free text).
    public var reason: String?
    /// The record version the verdict was given on.
    public var version: Int
    public var adjudication: Bool
    public var createdAt: Double

    public init(
        recordID: String, pass: Int, reviewer: String, verdict: ReviewVerdict, reason: String?, version: Int,
        adjudication: Bool, createdAt: Double
    ) {
        self.recordID = recordID
        self.pass = pass
        self.reviewer = reviewer
        self.verdict = verdict
        self.reason = reason
        self.version = version
        self.adjudication = adjudication
        self.createdAt = createdAt
    }
}

/// A record's review state: status, current version, passes done, and who holds it now.
public struct ReviewState: Sendable, Hashable {
    public var recordID: String
    public var status: ReviewStatus
    /// The current version (1 until the first edit).
    public var version: Int
    /// Annotator passes done.
    public var passes: Int
    public var updatedAt: Double
    public var lease: ReviewLease?
}

/// A reviewer's hold on a record for one pass, until it expires.
public struct ReviewLease: Sendable, Hashable {
    public var recordID: String
    public var reviewer: String
    public var pass: Int
    public var expiresAt: Double
}

/// One version of a record in its audit trail. Nothing is overwritten: an edit or a restore adds a version.
public struct RecordVersion: Sendable {
    public var recordID: String
    public var version: Int
    public var author: String
    public var createdAt: Double
    /// What changed, in words ("edited question and answer", "restored version 2").
    public var note: String
    public var record: LoomCore.Record
}

/// Which records a review batch holds. Empty lists mean "any".
public struct ReviewBatchFilter: Sendable, Hashable, Codable {
    /// Whether a record has a model judge's verdict, and which.
    public enum ModelVerdict: String, Sendable, Hashable, Codable, CaseIterable {
        case supported, unsupported, unjudged
    }

    public var domains: [String]
    public var types: [String]
    public var skills: [String]
    public var flags: RecordSelection.Flags
    /// Only records carrying this quality flag code.
    public var flagCode: String?
    public var verdict: ModelVerdict?

    public init(
        domains: [String] = [], types: [String] = [], skills: [String] = [], flags: RecordSelection.Flags = .include,
        flagCode: String? = nil, verdict: ModelVerdict? = nil
    ) {
        self.domains = domains
        self.types = types
        self.skills = skills
        self.flags = flags
        self.flagCode = flagCode
        self.verdict = verdict
    }

    /// A short description for pages and the CLI ("domain ocr · flagged only").
    public var summary: String {
        var parts: [String] = []
        if !domains.isEmpty { parts.append("domain " + domains.joined(separator: ", ")) }
        if !types.isEmpty { parts.append("type " + types.joined(separator: ", ")) }
        if !skills.isEmpty { parts.append("skill " + skills.joined(separator: ", ")) }
        switch flags {
        case .include: break
        case .exclude: parts.append("unflagged only")
        case .only: parts.append("flagged only")
        }
        if let flagCode { parts.append("flag \(flagCode)") }
        if let verdict { parts.append("model verdict \(verdict.rawValue)") }
        return parts.isEmpty ? "all records" : parts.joined(separator: " · ")
    }
}

/// A named batch of records to review, defined by a filter (so records generated later join it).
public struct ReviewBatch: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var filter: ReviewBatchFilter
    public var createdBy: String
    public var createdAt: Double
}

/// Where a reviewer takes records from.
public enum ReviewQueue: Sendable, Hashable {
    /// Annotator passes over a batch's records.
    case batch(ReviewBatch)
    /// Records the passes disagreed on, for adjudicators.
    case adjudication
}

/// A record leased to a reviewer for one pass.
public struct ReviewClaim: Sendable, Hashable {
    public var recordID: String
    public var pass: Int
    public var version: Int
    public var expiresAt: Double
    public var adjudication: Bool

    public init(recordID: String, pass: Int, version: Int, expiresAt: Double, adjudication: Bool) {
        self.recordID = recordID
        self.pass = pass
        self.version = version
        self.expiresAt = expiresAt
        self.adjudication = adjudication
    }
}

/// A review action the store refused, with a message for the person who tried it.
public struct ReviewRefusal: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The record changed (a newer version, a pass done) since the reviewer loaded it.
        case conflict
        /// Someone else holds the record now.
        case leased
        /// The record is decided or the reviewer already reviewed it.
        case closed
        case notFound = "not_found"
        /// The reviewer's role does not allow it.
        case forbidden
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// What the review screen shows about a record, as the store holds it.
public struct ReviewRecordParts: Sendable {
    /// The record as stored, with `checks` left empty (see `RecordForReview`).
    public var record: LoomCore.Record
    public var state: ReviewState
    /// The kind of the visual context it was generated from (nil for records without a stored sample).
    public var sampleKind: SampleKind?
    /// The sample's annotations or ground truth as stored (JSON), shown as they are.
    public var annotations: String?
    /// The record's media in the order its text numbers them; nil where the store lacks the medium.
    public var media: [MediaItem?]
    /// Model captions of its images, by media id (what caption-based stages generated from).
    public var captions: [String: String]
    /// The model judge's verdict, if a judge ran.
    public var verdict: RecordVerdict?
    public var passes: [ReviewPass]
    /// The audit trail (empty until the first edit).
    public var versions: [RecordVersion]
}
