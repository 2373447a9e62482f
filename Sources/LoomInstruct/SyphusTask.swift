import LoomCore
import LoomLLM

/// One instruction–response pair Syphus wrote.
public struct SyphusPair: Sendable, Hashable {
    public var instruction: String
    public var answer: String
}

/// MIMIC-IT's Syphus: a subset's system message, its hand-written in-context examples (annotations as the user,
/// the pairs as the assistant), then the sample's visual annotations as the query. Text only, as in MIMIC-IT:
/// the model sees the images through their annotations.
public struct SyphusTask: Sendable {
    public let subset: SyphusSubset
    public let sampling: SamplingSettings

    public init(subset: SyphusSubset, sampling: SamplingSettings) {
        self.subset = subset
        self.sampling = sampling
    }

    public func request(model: String, annotations: String, count: Int) -> ChatRequest {
        var messages: [ChatMessage] = [.system(subset.system)]
        for example in subset.examples {
            messages.append(.user(example.query))
            messages.append(.assistant(example.reply))
        }
        messages.append(.user(PromptText.fill(subset.query, ["annotations": annotations, "count": String(count)])))
        return ChatRequest(
            model: model, messages: messages, temperature: sampling.temperature, maxTokens: sampling.maxTokens,
            schema: ResponseSchema(name: "syphus_" + subset.id, json: subset.schema))
    }

    /// Reads the reply: at most `count` pairs, none repeated; in multi-image subsets references like "image 3"
    /// must exist.
    public static func decode(_ value: JSONValue, count: Int, imageCount: Int) throws(ReplyProblem) -> [SyphusPair] {
        let items = try ReplyFields(value).objects("pairs")
        if items.isEmpty { throw ReplyProblem("pairs is empty: write \(count) instruction-response pairs") }
        var pairs: [SyphusPair] = []
        var seen = Set<String>()
        for item in items.prefix(count) {
            let instruction = try item.text("instruction", maxLength: 1500)
            if !seen.insert(ModelText.comparisonKey(instruction)).inserted {
                throw ReplyProblem("\(item.path).instruction repeats an earlier instruction")
            }
            let answer = try item.text("answer")
            if imageCount > 1 {
                for (field, text) in [("instruction", instruction), ("answer", answer)] {
                    if let bad = MultiVQATask.imageReferences(in: text).first(where: { $0 < 1 || $0 > imageCount }) {
                        throw ReplyProblem("\(item.name(field)) refers to image \(bad), but there are only \(imageCount) images")
                    }
                }
            }
            pairs.append(SyphusPair(instruction: instruction, answer: answer))
        }
        return pairs
    }
}
