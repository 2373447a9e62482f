import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// MMInstruct step b: a detailed caption per distinct ingested image, with the domains it fits.
struct CaptionStage: Sendable {
    let settings: ModelStages.Caption
    let context: ModelStageContext
    let endpoints: ModelEndpoints

    func run() async throws -> StageCounts {
        let (client, endpoint) = try endpoints.endpoint(settings.call.endpoint)
        let task = CaptionTask(catalog: context.prompts, sampling: settings.call.sampling)
        let candidates = (context.recipe.modelStages.domains.isEmpty ? Domain.mmInstruct : context.recipe.modelStages.domains)
            .map(\.rawValue).filter { $0 != "multi_round" }
        let context = context
        let runner = ModelItemRunner(stage: .caption, client: client, endpoint: endpoint, call: settings.call, context: context)
        return try await runner.run(try context.distinctImageIDs(), id: { $0 }) { imageID, call in
            let image = try context.image(imageID)
            let known = VisualAnnotations.single(
                ImageFacts(annotations: image.annotations, width: image.width, height: image.height, caption: nil))
            let request = task.request(
                model: endpoint.model, image: try context.chatImage(image.id, detail: endpoint.detail),
                ocr: image.annotations.text.map(\.text), known: known, domain: image.annotations.fields["domain"],
                candidates: candidates)
            let (result, provenance) = try await call.structured(request, prompt: "caption") { value throws(ReplyProblem) in
                try CaptionTask.decode(value, candidates: candidates)
            }
            return StoreWrite(ledger: [LedgerEntry(item: image.id, stage: Stage.caption.rawValue, status: .done)])
                .with(captions: [
                    GeneratedCaption(imageID: image.id, text: result.caption, domains: result.domains, endpoint: endpoint.name, model: provenance.model)
                ])
        }
    }
}

extension StoreWrite {
    /// This write with captions added.
    func with(captions: [GeneratedCaption]) -> StoreWrite {
        var copy = self
        copy.captions += captions
        return copy
    }
}
