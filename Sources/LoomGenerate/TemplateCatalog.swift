import Foundation
import LoomCore
import Yams

/// The phrasings of one intent: a kind of question whose answer an intent computes from ground truth.
public struct IntentTemplate: Decodable, Sendable, Hashable {
    /// What an intent computes its answers from.
    public enum Grounding: String, Decodable, Sendable, Hashable {
        /// The exact truth of Loom's drawn scenes (the default).
        case scenes
        /// The annotations of the user's images: categories and boxes.
        case annotations
        /// The timestamped segments and narrations of the user's videos.
        case timeline
    }

    public var id: String
    /// The sample kinds the intent applies to.
    public var scope: [SampleKind]
    /// What the intent's answers come from; nil means drawn scenes.
    public var grounding: Grounding?
    /// The Mantis skill, for multi-image intents.
    public var skill: Skill?
    public var short: [String]?
    public var multipleChoice: [String]?
    public var judgement: [String]?
    /// How to answer a short question of this intent, where the generic short-answer instruction does not fit
    /// (a sentence, a box, a list of numbers).
    public var shortInstruction: [String]?
    /// Whether a short answer is a sentence (it then ends with a full stop).
    public var sentenceAnswer: Bool?

    enum CodingKeys: String, CodingKey {
        case id, scope, skill, short, judgement, grounding
        case multipleChoice = "multiple_choice"
        case shortInstruction = "short_instruction"
        case sentenceAnswer = "sentence_answer"
    }

    /// True when the intent can be asked of a sample with this ground truth.
    public func applies(to truth: SampleTruth) -> Bool {
        guard scope.contains(truth.kind) else { return false }
        if case .converted = truth { return false }
        if case .described = truth { return false }
        if case .annotated = truth { return grounding == .annotations }
        if case .video = truth { return grounding == .timeline }
        return (grounding ?? .scenes) == .scenes
    }

    /// The phrasings for one question type (nil when the type is not offered).
    public func phrasings(for type: QuestionType) -> [String]? {
        let list: [String]? =
            switch type {
            case .shortVQA: short
            case .multipleChoice: multipleChoice
            case .judgement: judgement
            default: nil
            }
        return list?.isEmpty == false ? list : nil
    }
}

/// The seed-question templates of one domain.
public struct DomainTemplates: Decodable, Sendable, Hashable {
    public var domain: Domain
    public var intents: [IntentTemplate]
    /// Wrong answers to draw from, where the intent cannot derive them from the scene (OCR).
    public var distractors: [String]?
}

/// How to answer, appended to each question.
public struct AnswerInstructions: Decodable, Sendable, Hashable {
    public var judgement: [String]
    public var multipleChoice: [String]
    public var shortVQA: [String]
    public var longVQA: [String]

    enum CodingKeys: String, CodingKey {
        case judgement
        case multipleChoice = "multiple_choice"
        case shortVQA = "short_vqa"
        case longVQA = "long_vqa"
    }

    public func variants(for type: QuestionType) -> [String] {
        switch type {
        case .judgement: judgement
        case .multipleChoice: multipleChoice
        case .shortVQA: shortVQA
        case .longVQA: longVQA
        case .multiRound, .caption: []
        }
    }
}

/// Phrasings of the long descriptions.
public struct DescriptionTemplates: Decodable, Sendable, Hashable {
    public struct Sentences: Decodable, Sendable, Hashable {
        public var opening: [String]
        public var object: [String]
        public var occluded: [String]
        public var label: [String]
        public var noLabels: [String]
        public var change: [String]
        public var setItem: [String]
        public var motion: [String]
        public var appears: [String]
        public var disappears: [String]
        public var still: [String]

        enum CodingKeys: String, CodingKey {
            case opening, object, occluded, label, change, motion, appears, disappears, still
            case noLabels = "no_labels"
            case setItem = "set_item"
        }
    }

    /// Questions per sample kind ("single", "pair", "set", "sequence").
    public var questions: [String: [String]]
    public var sentences: Sentences
}

/// Phrasings of the five-turn conversations.
public struct ConversationTemplates: Decodable, Sendable, Hashable {
    public struct Turn: Decodable, Sendable, Hashable {
        public var question: [String]?
        public var answer: [String]?
        public var questionWithText: [String]?
        public var answerWithText: [String]?
        public var questionWithoutText: [String]?
        public var answerWithoutText: [String]?

        enum CodingKeys: String, CodingKey {
            case question, answer
            case questionWithText = "question_with_text"
            case answerWithText = "answer_with_text"
            case questionWithoutText = "question_without_text"
            case answerWithoutText = "answer_without_text"
        }
    }

    public var turns: [Turn]
}

/// Phrasings of records converted from existing datasets (`conversions.yaml`).
public struct ConversionTemplates: Decodable, Sendable, Hashable {
    /// Questions for a true-or-false statement about the images; "{statement}" is the dataset's statement.
    public var statement: [String]
    /// The two options, true first, as they are shown.
    public var statementOptions: [String]
    /// Questions asking how two images differ, for rows without a question of their own.
    public var difference: [String]
    /// Questions asking which image matches a caption; "{caption}" is the dataset's caption.
    public var captionChoice: [String]

    enum CodingKeys: String, CodingKey {
        case statement, difference
        case statementOptions = "statement_options"
        case captionChoice = "caption_choice"
    }
}

/// Every template file of the generator, loaded and checked.
public struct TemplateCatalog: Sendable, Hashable {
    public var domains: [DomainTemplates]
    public var instructions: AnswerInstructions
    public var descriptions: DescriptionTemplates
    public var conversation: ConversationTemplates
    public var conversions: ConversionTemplates
    /// A hash of every template file's bytes: a run made with other templates is a different run.
    public var fingerprint: String

    /// The domains with seed questions, plus the two that long answers use.
    public var domainNames: [Domain] {
        domains.map(\.domain) + [TemplateGenerator.descriptionDomain, TemplateGenerator.conversationDomain]
    }

    /// The templates shipped with Loom.
    public static func bundled() throws -> TemplateCatalog {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw LoomError(.generate, "the template files are missing from the installation")
        }
        return try TemplateCatalog(directory: directory)
    }

    /// Loads every `*.yaml` file of `directory`: one file per domain, plus `instructions.yaml`,
    /// `descriptions.yaml` and `conversation.yaml`.
    public init(directory: URL) throws {
        let decoder = YAMLDecoder()
        func load<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T {
            do {
                return try decoder.decode(T.self, from: String(contentsOf: url, encoding: .utf8))
            } catch {
                throw LoomError(.generate, "invalid template file: \(error)", subject: url.path)
            }
        }
        let special = ["instructions.yaml", "descriptions.yaml", "conversation.yaml", "conversions.yaml"]
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var hasher = ContentHasher()
        for file in files {
            hasher.add(file.lastPathComponent)
            hasher.add(try String(contentsOf: file, encoding: .utf8))
        }
        fingerprint = hasher.finalize()
        domains = try files.filter { !special.contains($0.lastPathComponent) }.map { try load(DomainTemplates.self, $0) }
        instructions = try load(AnswerInstructions.self, directory.appendingPathComponent("instructions.yaml"))
        descriptions = try load(DescriptionTemplates.self, directory.appendingPathComponent("descriptions.yaml"))
        conversation = try load(ConversationTemplates.self, directory.appendingPathComponent("conversation.yaml"))
        conversions = try load(ConversionTemplates.self, directory.appendingPathComponent("conversions.yaml"))
        let unknown = domains.flatMap { domain in
            domain.intents.map { "\(domain.domain).\($0.id)" }.filter { IntentLibrary.intents[$0] == nil }
        }
        if !unknown.isEmpty {
            throw LoomError(.generate, "templates name intents that Loom does not implement: \(unknown.joined(separator: ", "))")
        }
    }
}
