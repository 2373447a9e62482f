import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// MMInstruct step e: one multi-round conversation of N linked turns per distinct image, from its caption.
struct ConversationStage: Sendable {
    let settings: ModelStages.Conversation
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let task = ConversationTask(catalog: context.prompts, sampling: settings.call.sampling)
        let (context, turns) = (context, settings.turns)
        let runner = ModelItemRunner(stage: .conversation, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try context.distinctImageIDs(), id: { $0 }) { imageID, call in
            let image = try context.image(imageID)
            guard let caption = try context.caption(of: image) else {
                throw ModelItemFailure(reason: "the image has no caption: run the caption stage or give captions in the source")
            }
            let request = task.request(
                model: endpoint.model, image: try context.chatImage(image.id, detail: endpoint.detail), caption: caption,
                ocr: image.annotations.text.map(\.text), turns: turns)
            let (exchanges, provenance) = try await call.structured(request, prompt: "conversation") { value throws(ReplyProblem) in
                try ConversationTask.decode(value, turns: turns).map { MultiRoundExchange(question: $0.question, answer: $0.answer) }
            }
            let sample = context.describedSample(origin: "conversation", kind: .single, media: [image.id], ordinal: image.ordinal)
            let maker = InstructRecordMaker(sample: sample, language: context.language, seed: context.recipe.seed)
            let record = maker.record(
                slot: "conversation", exchanges: exchanges.map { ($0.question, $0.answer) }, type: .multiRound,
                domain: "multi_round", skill: nil, generator: "model", prompt: "conversation", model: provenance)
            return StoreWrite(
                samples: [sample], records: [record],
                ledger: [LedgerEntry(item: image.id, stage: Stage.conversation.rawValue, status: .done)])
        }
    }
}

/// One question–answer turn of a conversation (a Sendable stand-in for a tuple).
struct MultiRoundExchange: Sendable {
    var question: String
    var answer: String
}
