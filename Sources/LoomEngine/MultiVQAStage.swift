import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// Mantis Multi-VQA: sets of 2–6 distinct images, their captions presented as "Image i: …", become questions
/// that each involve at least two of the images. Sets are runs of neighbouring images in source order (photos
/// of one folder or album tend to belong together) starting at seeded positions, so the plan is the same on
/// every invocation, whatever the captions.
struct MultiVQAStage: Sendable {
    let settings: ModelStages.MultiVQA
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    struct Item: Sendable {
        var ordinal: Int
        var imageIDs: [String]
        var id: String { "set-\(ordinal)" }
    }

    func items() throws -> [Item] {
        let images = try context.distinctImageIDs()
        guard images.count >= settings.images.lowerBound else { return [] }
        var items: [Item] = []
        for ordinal in 0..<settings.sets {
            var rng = SeededGenerator(seed: StableID.seed(context.recipe.seed, "multi_vqa", String(ordinal)))
            let size = min(rng.int(in: settings.images), images.count)
            let start = rng.int(in: 0...(images.count - size))
            items.append(Item(ordinal: ordinal, imageIDs: Array(images[start..<(start + size)])))
        }
        return items
    }

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let task = MultiVQATask(catalog: context.prompts, sampling: settings.call.sampling)
        let (context, settings) = (context, settings)
        let runner = ModelItemRunner(stage: .multiVQA, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try items(), id: \.id) { item, call in
            let setImages = try item.imageIDs.map { try context.image($0) }
            var captions: [String] = []
            for image in setImages {
                guard let caption = try context.caption(of: image) else {
                    throw ModelItemFailure(reason: "image \(image.sourcePath) has no caption")
                }
                captions.append(caption)
            }
            let images = try setImages.map { try context.chatImage($0.id, detail: endpoint.detail) }
            let request = task.request(
                model: endpoint.model, images: images, captions: captions, skills: settings.skills, count: settings.questions)
            let (count, skills, imageCount) = (settings.questions, settings.skills, setImages.count)
            let (questions, provenance) = try await call.structured(request, prompt: "multi_vqa") { value throws(ReplyProblem) in
                try MultiVQATask.decode(value, imageCount: imageCount, skills: skills, count: count)
            }
            let sample = context.describedSample(
                origin: "multi_vqa", kind: setImages.count == 2 ? .pair : .set, media: item.imageIDs, ordinal: item.ordinal)
            let maker = InstructRecordMaker(sample: sample, language: context.language, seed: context.recipe.seed)
            let share = provenance.share(of: questions.count)
            let records = questions.enumerated().map { index, question in
                maker.record(
                    slot: "multi_vqa.\(index)", exchanges: [(question.question, question.answer)],
                    type: ModelText.wordCount(question.answer) > QuestionTask.shortAnswerWords ? .longVQA : .shortVQA,
                    domain: "image_comparison", skill: question.skill, generator: "model", prompt: "multi_vqa", model: share)
            }
            return StoreWrite(
                samples: [sample], records: records,
                ledger: [LedgerEntry(item: item.id, stage: Stage.multiVQA.rawValue, status: .done)])
        }
    }
}
