import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// The optional judge: a second model call per model-written record, against what is known of its images
/// (captions and annotations). The verdict and its reason are stored; records the judge does not support are
/// flagged (exports leave flagged records out) when the recipe says so.
struct VerifyStage: Sendable {
    let settings: ModelStages.Verify
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let task = VerifyTask(catalog: context.prompts, sampling: settings.call.sampling)
        let (context, flag) = (context, settings.flag)
        let runner = ModelItemRunner(stage: .verify, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try context.store.recordIDs(generatedBy: ["model"]), id: { $0 }) { recordID, call in
            guard var record = try context.store.record(id: recordID) else {
                throw ModelItemFailure(reason: "the record is no longer in the store")
            }
            let request = task.request(model: endpoint.model, record: record, context: try contextText(of: record))
            let hasOptions = record.options != nil
            let (verdict, _) = try await call.structured(request, prompt: "verify") { value throws(ReplyProblem) in
                try VerifyTask.decode(value, hasOptions: hasOptions)
            }
            var write = StoreWrite(ledger: [LedgerEntry(item: recordID, stage: Stage.verify.rawValue, status: .done)])
            write.verdicts = [RecordVerdict(recordID: recordID, supported: verdict.passes, reason: verdict.reason, endpoint: endpoint.name)]
            if flag && !verdict.passes && !record.flags.contains(where: { $0.code == "judge_unsupported" }) {
                record.flags.append(QualityFlag(code: "judge_unsupported", reason: "the judge model found the answer unsupported: " + verdict.reason))
                write.records = [record]
            }
            return write
        }
    }

    /// What the judge checks against: per image, its annotations and captions.
    private func contextText(of record: Record) throws -> String {
        var facts: [ImageFacts] = []
        for id in record.media {
            if let image = try context.store.image(id: id) {
                facts.append(try context.facts(of: image))
            } else if let sample = try context.store.sample(id: record.sampleID), let index = sample.media.firstIndex(of: id),
                index < sample.truth.scenes.count
            {
                facts.append(ImageFacts(scene: sample.truth.scenes[index]))
            }
        }
        return facts.count == 1 ? VisualAnnotations.single(facts[0]) : VisualAnnotations.images(facts)
    }
}
