import Foundation
import LoomCore
import LoomLLM

/// A judge's verdict on one record.
public struct Verdict: Sendable, Hashable {
    public var supported: Bool
    /// For multiple choice: is exactly one option correct, and is it the keyed one?
    public var oneCorrectOption: Bool?
    public var reason: String

    /// A record passes when its answer is supported and, for multiple choice, its key is the one correct option.
    public var passes: Bool { supported && oneCorrectOption != false }
}

/// The optional verify stage: a second model judges each record against what is known of its images (model
/// captions, source captions, annotations).
public struct VerifyTask: Sendable {
    public let prompt: SimplePrompt
    public let sampling: SamplingSettings

    public init(catalog: PromptCatalog, sampling: SamplingSettings) {
        prompt = catalog.verify
        self.sampling = sampling
    }

    /// The request for a record (text only: the judge checks against the context, as MMInstruct's checks did).
    public func request(model: String, record: Record, context: String) -> ChatRequest {
        let questions = record.turns.filter { $0.role == .user }.map {
            $0.text.replacingOccurrences(of: Record.imagePlaceholder, with: "[image]")
        }
        let answers = record.turns.filter { $0.role == .assistant }.map(\.text)
        let options = record.options.map { zip(optionLetters, $0).map { "\($0). \($1)" }.joined(separator: "\n") } ?? ""
        let instruction = PromptText.fill(prompt.instruction, [
            "context": context, "question": questions.joined(separator: "\n---\n"), "options": options,
            "answer": answers.joined(separator: "\n---\n"),
        ])
        return ChatRequest(
            model: model, messages: [.system(prompt.system), .user(instruction)], temperature: sampling.temperature ?? 0,
            maxTokens: sampling.maxTokens, schema: ResponseSchema(name: "verdict", json: prompt.schema))
    }

    /// Reads the judge's verdict. For a record with options (`hasOptions`) the option check must be given: a
    /// judge that leaves it null has not checked the key, and the record would pass unchecked.
    public static func decode(_ value: JSONValue, hasOptions: Bool = false) throws(ReplyProblem) -> Verdict {
        let fields = try ReplyFields(value)
        let oneCorrectOption = try fields.optionalBool("one_correct_option")
        if hasOptions && oneCorrectOption == nil {
            throw ReplyProblem("one_correct_option must be true or false for a multiple-choice question, not null")
        }
        return Verdict(
            supported: try fields.bool("supported"), oneCorrectOption: oneCorrectOption,
            reason: try fields.text("reason", maxLength: 2000))
    }
}
