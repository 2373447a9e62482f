import LoomCore

/// A domain of MMInstruct's taxonomy as the prompts know it: what its questions are about, what a caption
/// of such an image must pay attention to, and the seed questions shown to the model as references.
public struct DomainPrompt: Codable, Sendable, Hashable {
    public var id: String
    public var description: String
    public var captionAddition: String?
    public var seedQuestions: [String]

    enum CodingKeys: String, CodingKey {
        case id, description
        case captionAddition = "caption_addition"
        case seedQuestions = "seed_questions"
    }
}

/// `domains.yaml`.
struct DomainsFile: Codable, Sendable {
    var domains: [DomainPrompt]
}

/// `caption.yaml`: MMInstruct's detailed caption (step b), with the image's OCR text and known annotations
/// injected, and the domains the image fits asked for in the same reply.
public struct CaptionPrompt: Codable, Sendable, Hashable {
    public var id: String
    public var system: String
    public var instruction: String
    /// Wraps the OCR text: `{text}`.
    public var ocr: String
    /// Wraps what the source says about the image: `{text}`.
    public var annotations: String
    public var schema: String

    static let instructionPlaceholders: Set<String> = ["domain_addition", "ocr", "annotations", "domains"]
}

/// `questions.yaml`: MMInstruct's question generation (steps c–d), one call per image, domain and type.
public struct QuestionPrompt: Codable, Sendable, Hashable {
    public var id: String
    public var system: String
    public var instruction: String
    /// Appended per question type: judgement, multiple_choice, short_vqa, long_vqa.
    public var typeInstructions: [String: String]
    public var schema: String

    enum CodingKeys: String, CodingKey {
        case id, system, instruction, schema
        case typeInstructions = "type_instructions"
    }

    static let instructionPlaceholders: Set<String> = [
        "caption", "ocr", "domain", "domain_description", "seed_questions", "count", "type_instruction",
    ]
}

/// A prompt of one system message and one instruction template: `conversation.yaml`, `multi_vqa.yaml`,
/// `verify.yaml`.
public struct SimplePrompt: Codable, Sendable, Hashable {
    public var id: String
    public var system: String
    public var instruction: String
    public var schema: String
}

/// One Syphus subset (MIMIC-IT): a system message, hand-written in-context examples (annotations → reply)
/// and the query built from a sample's visual annotations.
public struct SyphusSubset: Codable, Sendable, Hashable {
    public struct Example: Codable, Sendable, Hashable {
        public var query: String
        public var reply: String

        public init(query: String, reply: String) {
            self.query = query
            self.reply = reply
        }
    }

    /// Which samples of its scope a subset is asked of.
    public enum Selection: String, Codable, Sendable, Hashable, CaseIterable {
        /// Every sample of the scope (the default).
        case any
        /// Loom's drawn scenes only (their exact truth: pairs with one known change, sequences with events).
        case drawn
        /// Pairs that differ little: drawn pairs (one controlled change) and the user's near-duplicate photos.
        case similar
        /// The user's videos that have timestamped segments (dense captions).
        case segments
        /// The user's videos that have first-person narrations.
        case narrations
        /// The user's photo albums: images sharing a manifest's `album` field, in manifest order.
        case albums
    }

    public var id: String
    public var title: String
    /// single, pair, set or sequence: the samples the subset is written for.
    public var scope: SampleKind
    /// Which samples of the scope; nil means `any`.
    public var select: Selection?
    /// Write people's names (a video's `characters`) as neutral references ("Person A") in the query, the way
    /// MIMIC-IT's TV-show captions hid character names.
    public var neutralNames: Bool?
    public var system: String
    public var examples: [Example]
    public var query: String
    public var schema: String

    enum CodingKeys: String, CodingKey {
        case id, title, scope, select, system, examples, query, schema
        case neutralNames = "neutral_names"
    }

    static let queryPlaceholders: Set<String> = ["annotations", "count"]
}
