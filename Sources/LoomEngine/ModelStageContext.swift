import Foundation
import LoomCore
import LoomGenerate
import LoomInstruct
import LoomLLM
import LoomRecipe
import LoomStore

/// What every model stage of a run shares: the recipe, the store and its writer, the prompts and how to reach
/// the images.
struct ModelStageContext: Sendable {
    let recipe: Recipe
    let store: RunStore
    let writer: BatchingWriter
    let runDirectory: URL
    let prompts: PromptCatalog
    let instructions: AnswerInstructions
    let observer: RunObserver?
    /// `--no-cache`: send every request again (replies are still saved).
    let bypassCache: Bool
    /// The user's request to stop early, if any: no new requests, the ones in flight are waited for.
    var stop: RunStop? = nil

    var language: String { recipe.generate.language }

    /// The normalized JPEG of an ingested image, as a request's image part.
    func chatImage(_ imageID: String, detail: ChatImage.Detail) throws -> ChatImage {
        guard let medium = try store.media(id: imageID) else {
            throw LoomError(.io, "the image is not in the run store", subject: imageID)
        }
        let url = runDirectory.appendingPathComponent(medium.path)
        do {
            return ChatImage(jpeg: try Data(contentsOf: url), detail: detail)
        } catch {
            throw LoomError(.io, "cannot read the image: \(error.localizedDescription)", subject: url.path)
        }
    }

    /// Ingested images that are not near-duplicates of earlier ones, in source order: their ids only, so that a
    /// collection of any size is planned in little memory (each item loads its image when it runs).
    func distinctImageIDs() throws -> [String] {
        var ids: [String] = []
        try store.forEachImage { image in
            if image.duplicateOf == nil { ids.append(image.id) }
        }
        return ids
    }

    /// An ingested image by id.
    func image(_ id: String) throws -> IngestedImage {
        guard let image = try store.image(id: id) else { throw LoomError(.store, "the image is not in the run store", subject: id) }
        return image
    }

    /// The answer instruction of a question type, chosen by a stable hash of the record slot.
    func instruction(for type: QuestionType, slot: String) -> String? {
        let variants: [String]
        switch type {
        case .judgement: variants = instructions.judgement
        case .multipleChoice: variants = instructions.multipleChoice
        case .shortVQA: variants = instructions.shortVQA
        case .longVQA: variants = instructions.longVQA
        default: return nil
        }
        guard !variants.isEmpty else { return nil }
        return variants[Int(StableID.seed(recipe.seed, slot) % UInt64(variants.count))]
    }

    /// What is known of an ingested image for prompts: its source's annotations plus its model caption.
    func facts(of image: IngestedImage) throws -> ImageFacts {
        ImageFacts(annotations: image.annotations, width: image.width, height: image.height, caption: try store.caption(imageID: image.id)?.text)
    }

    /// The caption the question stages write from: the model caption, else the source's captions.
    func caption(of image: IngestedImage) throws -> String? {
        if let generated = try store.caption(imageID: image.id) { return generated.text }
        let source = image.annotations.captions.joined(separator: " ")
        return source.isEmpty ? nil : source
    }

    /// A sample of model-written records over some images.
    func describedSample(origin: String, kind: SampleKind, media: [String], ordinal: Int) -> Sample {
        Sample(
            id: StableID.derive("smp", String(recipe.seed), origin, media.joined(separator: ",")), kind: kind, ordinal: ordinal,
            media: media, truth: .described(DescribedContext(kind: kind, origin: origin)))
    }
}
