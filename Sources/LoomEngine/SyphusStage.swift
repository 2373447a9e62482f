import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// MIMIC-IT Syphus: for each subset the recipe names, every sample of the subset's scope gets instruction–
/// response pairs written from its visual annotations. Single-image subsets take the distinct ingested images
/// (source annotations plus model caption) and the drawn singles; pair subsets the drawn pairs (with their known
/// change); sequence subsets the drawn frame sequences (with their events).
struct SyphusStage: Sendable {
    let settings: ModelStages.Syphus
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    /// One subset asked of one sample: an ingested image (its id) or a drawn sample (its sample id).
    struct Item: Sendable {
        enum Subject: Sendable {
            case image(String)
            case sample(String)
        }

        var subset: String
        var subject: Subject
        var id: String {
            switch subject {
            case .image(let id): "\(subset):\(id)"
            case .sample(let id): "\(subset):\(id)"
            }
        }
    }

    /// Checks the recipe's subset names against the prompt files.
    static func check(_ settings: ModelStages.Syphus, prompts: PromptCatalog) throws {
        for name in settings.subsets where prompts.syphus[name] == nil {
            throw LoomError(
                .recipe, "no Syphus subset is named '\(name)'; the prompt files define: \(prompts.syphus.keys.sorted().joined(separator: ", "))",
                subject: "stages.syphus.subsets")
        }
    }

    func items() throws -> [Item] {
        var items: [Item] = []
        let subsets = settings.subsets.compactMap { context.prompts.syphus[$0] }
        if subsets.contains(where: { $0.scope == .single }) {
            for imageID in try context.distinctImageIDs() {
                for subset in subsets where subset.scope == .single { items.append(Item(subset: subset.id, subject: .image(imageID))) }
            }
        }
        try context.store.forEachSample { sample in
            switch sample.truth {
            case .single, .pair, .sequence, .set: break
            default: return
            }
            for subset in subsets where subset.scope == sample.kind {
                items.append(Item(subset: subset.id, subject: .sample(sample.id)))
            }
        }
        return items
    }

    /// The sample an item's records belong to, and its visual annotations as the prompts write them.
    private static func subject(_ item: Item, context: ModelStageContext) throws -> (sample: Sample, annotations: String) {
        switch item.subject {
        case .image(let id):
            let image = try context.image(id)
            let sample = context.describedSample(origin: "syphus", kind: .single, media: [id], ordinal: image.ordinal)
            return (sample, try SyphusAnnotations.text(for: sample, store: context.store))
        case .sample(let id):
            guard let sample = try context.store.sample(id: id) else {
                throw LoomError(.store, "the sample is not in the run store", subject: id)
            }
            return (sample, try SyphusAnnotations.text(for: sample, store: context.store))
        }
    }

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let sampling = settings.call.sampling
        let (context, count) = (context, settings.pairs)
        let runner = ModelItemRunner(stage: .syphus, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try items(), id: \.id) { item, call in
            guard let subset = context.prompts.syphus[item.subset] else { throw ModelItemFailure(reason: "no subset \(item.subset)") }
            let (sample, annotations) = try Self.subject(item, context: context)
            let request = SyphusTask(subset: subset, sampling: sampling).request(model: endpoint.model, annotations: annotations, count: count)
            let imageCount = sample.media.count
            let (pairs, provenance) = try await call.structured(request, prompt: "syphus:" + subset.id) { value throws(ReplyProblem) in
                try SyphusTask.decode(value, count: count, imageCount: imageCount)
            }
            let maker = InstructRecordMaker(sample: sample, language: context.language, seed: context.recipe.seed)
            let share = provenance.share(of: pairs.count)
            let skill: Skill? = sample.kind == .sequence ? .temporal : sample.kind == .pair ? .comparison : nil
            let records = pairs.enumerated().map { index, pair in
                maker.record(
                    slot: "syphus.\(subset.id).\(index)", exchanges: [(pair.instruction, pair.answer)],
                    type: ModelText.wordCount(pair.answer) > QuestionTask.shortAnswerWords ? .longVQA : .shortVQA,
                    domain: Domain(rawValue: "syphus_" + subset.id), skill: skill, generator: "model", prompt: "syphus:" + subset.id,
                    model: share)
            }
            // Drawn samples are already stored; the described samples of ingested images are new.
            let samples: [Sample]
            if case .described = sample.truth { samples = [sample] } else { samples = [] }
            return StoreWrite(
                samples: samples, records: records,
                ledger: [LedgerEntry(item: item.id, stage: Stage.syphus.rawValue, status: .done)])
        }
    }
}
