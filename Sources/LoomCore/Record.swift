import Foundation

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
    /// The model call that wrote the record, for records a model wrote.
    public var model: ModelProvenance?
    /// For a translation: the record it translates (its language is the source's).
    public var translatedFrom: String?

    public init(
        generator: String, template: String, phrasing: Int, seed: UInt64, model: ModelProvenance? = nil, translatedFrom: String? = nil
    ) {
        self.generator = generator
        self.template = template
        self.phrasing = phrasing
        self.seed = seed
        self.model = model
        self.translatedFrom = translatedFrom
    }
}

/// Which model wrote a record, from which prompt, and what it cost (MMInstruct's per-instruction cost).
public struct ModelProvenance: Codable, Sendable, Hashable {
    /// The endpoint's name in the recipe.
    public var endpoint: String
    public var model: String
    /// The prompt file's id and the SHA-256 (hex, first 16 digits) of the exact prompt text sent.
    public var prompt: String
    public var promptHash: String
    /// The seed questions shown to the model as references, if any.
    public var seedQuestions: [String]
    /// Tokens and dollars of the call, divided evenly among the records it wrote.
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double

    public init(
        endpoint: String, model: String, prompt: String, promptHash: String, seedQuestions: [String] = [],
        promptTokens: Int, completionTokens: Int, cost: Double
    ) {
        self.endpoint = endpoint
        self.model = model
        self.prompt = prompt
        self.promptHash = promptHash
        self.seedQuestions = seedQuestions
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
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

    /// What opens the first user turn: `<image>` and a line break for one medium; "Image 1: <image>" lines
    /// ("Frame 1: …" for sequences) when there are several. Frames of a video, given their times, say them:
    /// "Frame 3 (12.5 s): <image>", so that a question about the 12th second can be answered from the record.
    public static func mediaPrefix(count: Int, kind: SampleKind, frameTimes: [Double]? = nil) -> String {
        if count <= 1 { return imagePlaceholder + "\n" }
        let noun = Phrasing.capitalized(kind.mediumNoun)
        let times = frameTimes?.count == count ? frameTimes : nil
        return (0..<count).map { index in
            let time = times.map { " (\(secondsLabel($0[index])) s)" } ?? ""
            return "\(noun) \(index + 1)\(time): \(imagePlaceholder)"
        }.joined(separator: "\n") + "\n"
    }

    /// Seconds to a tenth, as frame labels and the models' prompts give them ("12.5", "0.0"), rounded alike.
    public static func secondsLabel(_ seconds: Double) -> String {
        String(format: "%.1f", seconds)
    }

    /// How many `<image>` placeholders the turns hold.
    public var placeholderCount: Int {
        turns.reduce(0) { $0 + TextSearch.count(of: Record.imagePlaceholder, in: $1.text) }
    }
}

/// The letters that label multiple-choice options.
public let optionLetters = ["A", "B", "C", "D"]
