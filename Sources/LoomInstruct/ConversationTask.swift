import LoomCore
import LoomLLM

/// MMInstruct's step e: a conversation of N logically linked question–answer turns about one image, written
/// from its caption.
public struct ConversationTask: Sendable {
    public let prompt: SimplePrompt
    public let sampling: SamplingSettings

    public init(catalog: PromptCatalog, sampling: SamplingSettings) {
        prompt = catalog.conversation
        self.sampling = sampling
    }

    public func request(model: String, image: ChatImage, caption: String, ocr: [String], turns: Int) -> ChatRequest {
        let instruction = PromptText.fill(prompt.instruction, [
            "caption": caption, "ocr": ocr.isEmpty ? "" : "Text in the image: " + ocr.map { "\"\($0)\"" }.joined(separator: "; "),
            "turns": String(turns),
        ])
        return ChatRequest(
            model: model,
            messages: [.system(prompt.system), ChatMessage(role: .user, parts: [.image(image), .text(instruction)])],
            temperature: sampling.temperature, maxTokens: sampling.maxTokens,
            schema: ResponseSchema(name: "conversation", json: prompt.schema))
    }

    /// Reads the reply: exactly `turns` exchanges (more are cut), no question asked twice.
    public static func decode(_ value: JSONValue, turns: Int) throws(ReplyProblem) -> [(question: String, answer: String)] {
        let items = try ReplyFields(value).objects("turns")
        guard items.count >= turns else { throw ReplyProblem("turns: expected \(turns) turns, got \(items.count)") }
        var exchanges: [(question: String, answer: String)] = []
        var seen = Set<String>()
        for item in items.prefix(turns) {
            let question = try item.text("question", maxLength: 1000)
            if !seen.insert(ModelText.comparisonKey(question)).inserted {
                throw ReplyProblem("\(item.path).question repeats an earlier question")
            }
            exchanges.append((question, try item.text("answer")))
        }
        return exchanges
    }
}
