import LoomCore
import LoomInstruct
import LoomStore

/// The visual annotations a Syphus query carries for a sample, as the prompts write them: a drawn scene's ground
/// truth (with the change of a pair and the events of a sequence), the user's images' annotations and captions,
/// or a video's timestamped events and narrations (names made neutral where the subset asks). Shared by the Syphus stage and by `SyphusExamples`, which must rebuild the same query.
enum SyphusAnnotations {
    static func text(for sample: Sample, subset: SyphusSubset, store: RunStore) throws -> String {
        switch sample.truth {
        case .single(let scene): return VisualAnnotations.single(ImageFacts(scene: scene))
        case .pair(let pair):
            return VisualAnnotations.images(
                [ImageFacts(scene: pair.first), ImageFacts(scene: pair.second)], change: VisualAnnotations.change(of: pair))
        case .sequence(let frames):
            return VisualAnnotations.images(frames.map(ImageFacts.init(scene:)), noun: "Frame", events: VisualAnnotations.events(of: frames))
        case .video(let video):
            let names = subset.neutralNames == true ? NeutralReferences(names: video.annotations.characters) : nil
            return VisualAnnotations.video(video, names: names)
        case .described, .annotated:
            var facts: [ImageFacts] = []
            for id in sample.media {
                guard let image = try store.image(id: id) else { throw LoomError(.store, "the image is not in the run store", subject: id) }
                facts.append(
                    ImageFacts(annotations: image.annotations, width: image.width, height: image.height, caption: try store.caption(imageID: id)?.text))
            }
            return facts.count == 1 ? VisualAnnotations.single(facts[0]) : VisualAnnotations.images(facts)
        case .set, .converted: return VisualAnnotations.images(sample.truth.scenes.map(ImageFacts.init(scene:)))
        }
    }
}
