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

    /// Whether the user's images of `sample` carry anything to write from: annotations of their own, or a model
    /// caption. Without either, the annotations block holds only their sizes, and a model asked to write from it
    /// invents what it cannot see. Drawn and video samples always carry their truth.
    static func hasContent(_ sample: Sample, store: RunStore) throws -> Bool {
        switch sample.truth {
        case .described, .annotated:
            for id in sample.media {
                if let image = try store.image(id: id), !image.annotations.isEmpty { return true }
                if try store.caption(imageID: id) != nil { return true }
            }
            return false
        default:
            return true
        }
    }
}
