/// Who speaks a turn.
public enum Role: String, Codable, Sendable, Hashable {
    case user, assistant
}

/// One message of a conversation. User text holds one `<image>` placeholder per medium, all in the first user turn.
public struct Turn: Codable, Sendable, Hashable {
    public var role: Role
    public var text: String

    public init(role: Role, text: String) {
        self.role = role
        self.text = text
    }
}

/// A problem found in a record, with a stable code and a reason a person can read.
public struct QualityFlag: Codable, Sendable, Hashable {
    public var code: String
    public var reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }
}

/// Where a record came from.
public struct Provenance: Codable, Sendable, Hashable {
    /// The generator that wrote it ("templates" for the offline template generator).
    public var generator: String
    /// The template intent it instantiates (e.g. "counting.count_filter").
    public var template: String
    /// The phrasing variant used, for diversity statistics.
    public var phrasing: Int
    /// The random seed of the sample the record was generated from.
    public var seed: UInt64

    public init(generator: String, template: String, phrasing: Int, seed: UInt64) {
        self.generator = generator
        self.template = template
        self.phrasing = phrasing
        self.seed = seed
    }
}

/// One training example.
public struct Record: Codable, Sendable, Hashable {
    /// Derived from the sample id and the generation slot: stable across runs.
    public var id: String
    public var sampleID: String
    /// Media ids in the order the `<image>` placeholders refer to them.
    public var media: [String]
    public var turns: [Turn]
    public var type: QuestionType
    public var domain: Domain
    /// The Mantis skill, for multi-image records.
    public var skill: Skill?
    /// BCP-47 language code of the text.
    public var language: String
    /// Multiple-choice options without their letters, in presentation order.
    public var options: [String]?
    /// The correct option's letter ("A"…"D") for multiple choice; "yes"/"no" for judgement.
    public var answerKey: String?
    public var checks: [AnswerCheck]
    public var provenance: Provenance
    public var flags: [QualityFlag]

    public init(
        id: String, sampleID: String, media: [String], turns: [Turn], type: QuestionType, domain: Domain,
        skill: Skill?, language: String, options: [String]?, answerKey: String?, checks: [AnswerCheck],
        provenance: Provenance, flags: [QualityFlag] = []
    ) {
        self.id = id
        self.sampleID = sampleID
        self.media = media
        self.turns = turns
        self.type = type
        self.domain = domain
        self.skill = skill
        self.language = language
        self.options = options
        self.answerKey = answerKey
        self.checks = checks
        self.provenance = provenance
        self.flags = flags
    }

    /// The placeholder that stands for one medium in the text.
    public static let imagePlaceholder = "<image>"

    /// How many `<image>` placeholders the turns hold.
    public var placeholderCount: Int {
        turns.reduce(0) { $0 + TextSearch.count(of: Record.imagePlaceholder, in: $1.text) }
    }
}

/// The letters that label multiple-choice options.
public let optionLetters = ["A", "B", "C", "D"]
