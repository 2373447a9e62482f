import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// MMInstruct steps c–d: for each distinct image, each of its domains and each question type, one call that
/// writes K questions from the image's caption with N seed questions of the domain as references.
struct QuestionStage: Sendable {
    let settings: ModelStages.Questions
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    struct Item: Sendable {
        var imageID: String
        var domain: String
        var type: QuestionType
        var id: String { "\(imageID):\(domain):\(type.rawValue)" }
    }

    /// The items: images × their domains × the recipe's types.
    func items() throws -> [Item] {
        let fallback = context.recipe.modelStages.domains.first?.rawValue ?? "image_description"
        var items: [Item] = []
        for imageID in try context.distinctImageIDs() {
            let image = try context.image(imageID)
            var domains: [String]
            if let named = image.annotations.fields["domain"], context.prompts.domain(named) != nil {
                domains = [named]
            } else if let caption = try context.store.caption(imageID: image.id) {
                domains = Array(caption.domains.filter { context.prompts.domain($0) != nil }.prefix(settings.domainsPerImage))
            } else {
                domains = []
            }
            if domains.isEmpty { domains = [fallback] }
            for domain in domains {
                for type in settings.types { items.append(Item(imageID: imageID, domain: domain, type: type)) }
            }
        }
        return items
    }

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let task = QuestionTask(catalog: context.prompts, sampling: settings.call.sampling)
        let (context, settings) = (context, settings)
        let runner = ModelItemRunner(stage: .questions, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try items(), id: \.id) { item, call in
            let image = try context.image(item.imageID)
            guard let caption = try context.caption(of: image) else {
                throw ModelItemFailure(reason: "the image has no caption: run the caption stage or give captions in the source")
            }
            guard let domain = context.prompts.domain(item.domain) else {
                throw ModelItemFailure(reason: "no prompt describes the domain \(item.domain)")
            }
            var rng = SeededGenerator(seed: StableID.seed(context.recipe.seed, item.id, "seeds"))
            let seeds = Array(domain.seedQuestions.shuffled(using: &rng).prefix(settings.seedQuestions))
            let request = task.request(
                model: endpoint.model, image: try context.chatImage(image.id, detail: endpoint.detail), caption: caption,
                ocr: image.annotations.text.map(\.text), domain: domain, seeds: seeds, type: item.type,
                count: settings.perCall)
            let (type, count) = (item.type, settings.perCall)
            let (written, provenance) = try await call.structured(request, prompt: "questions") { value throws(ReplyProblem) in
                try QuestionTask.decode(value, type: type, count: count)
            }
            let sample = context.describedSample(origin: "questions", kind: .single, media: [image.id], ordinal: image.ordinal)
            let maker = InstructRecordMaker(sample: sample, language: context.language, seed: context.recipe.seed)
            let share = provenance.share(of: written.count, seedQuestions: seeds)
            let records = written.enumerated().map { index, question in
                let slot = "questions.\(item.domain).\(item.type.rawValue).\(index)"
                return maker.record(
                    slot: slot, written: question, type: item.type, domain: Domain(rawValue: item.domain), generator: "model",
                    prompt: "questions", model: share, instruction: context.instruction(for: item.type, slot: sample.id + slot))
            }
            return StoreWrite(
                samples: [sample], records: records,
                ledger: [LedgerEntry(item: item.id, stage: Stage.questions.rawValue, status: .done)])
        }
    }
}
