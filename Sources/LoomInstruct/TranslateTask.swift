import Foundation
import LoomCore
import LoomLLM

/// The translation prompt: its file also names the languages a recipe may ask for.
public struct TranslatePrompt: Codable, Sendable, Hashable {
    public var id: String
    /// Language code → the name the prompt uses.
    public var languages: [String: String]
    public var system: String
    public var instruction: String
    public var schema: String

    static let instructionPlaceholders: Set<String> = ["source", "target", "record"]
}

/// A record's texts in another language.
public struct TranslatedTexts: Sendable, Hashable {
    public var turns: [String]
    public var options: [String]?
}

/// The translate stage: one call per record and target language, the record's turns (and options) sent as JSON
/// and read back as JSON; the reply must keep placeholders, numbers and option letters (`TranslationCheck`), or
/// it gets a correction turn naming what it dropped.
public struct TranslateTask: Sendable {
    public let prompt: TranslatePrompt
    public let sampling: SamplingSettings

    public init(catalog: PromptCatalog, sampling: SamplingSettings) {
        prompt = catalog.translate
        self.sampling = sampling
    }

    public func request(model: String, record: Record, target: String) -> ChatRequest {
        var payload: [String: JSONValue] = ["turns": .array(record.turns.map { .string($0.text) })]
        if let options = record.options { payload["options"] = .array(options.map { .string($0) }) }
        let instruction = PromptText.fill(prompt.instruction, [
            "source": prompt.languages[record.language] ?? record.language, "target": prompt.languages[target] ?? target,
            "record": JSONValue.object(payload).jsonText,
        ])
        return ChatRequest(
            model: model, messages: [.system(prompt.system), .user(instruction)], temperature: sampling.temperature ?? 0,
            maxTokens: sampling.maxTokens, schema: ResponseSchema(name: "translation", json: prompt.schema))
    }

    /// Reads a reply and checks it against the source record.
    public static func decode(_ value: JSONValue, source: Record) throws(ReplyProblem) -> TranslatedTexts {
        let fields = try ReplyFields(value)
        // Not held to a model field's length: a translation is as long as its source (an imported record may be
        // longer than any model-written field), which `TranslationLength` checks turn by turn.
        let turns = try fields.texts("turns", keepPlaceholders: true, maxLength: .max) ?? []
        let options = try fields.texts("options", keepPlaceholders: true, maxLength: .max)
        let problems = TranslationCheck.problems(
            source: source.turns.map(\.text), translated: turns, sourceOptions: source.options, translatedOptions: options,
            answerKey: source.answerKey)
        if !problems.isEmpty { throw ReplyProblem(problems.prefix(4).joined(separator: "; ")) }
        return TranslatedTexts(turns: turns, options: source.options == nil ? nil : options)
    }
}
