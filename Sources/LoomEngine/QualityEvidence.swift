import LoomCore
import LoomQuality
import LoomStore

/// The evidence a sample's model-written answers are checked against: the drawn scenes' truth, the annotations of
/// the user's images (captions, tags, objects, OCR lines, fields) and their model captions.
struct QualityEvidence {
    let store: RunStore

    func evidence(forSample id: String) throws -> GroundingEvidence {
        guard let sample = try store.sample(id: id) else { return GroundingEvidence() }
        return try evidence(for: sample)
    }

    func evidence(for sample: Sample) throws -> GroundingEvidence {
        var evidence = GroundingEvidence(truth: sample.truth)
        switch sample.truth {
        case .single, .pair, .set, .sequence, .converted: return evidence
        case .video(let video):
            // What the video's annotations say is the evidence model-written text about it is held to.
            evidence.add(texts: video.segments.map(\.text) + video.narrations.map(\.text) + video.annotations.captions + video.annotations.characters)
            return evidence
        case .annotated, .described: break
        }
        let captions = try store.captions(imageIDs: sample.media)
        var objects: [[String]] = []
        var texts: [String] = []
        for id in sample.media {
            if let caption = captions[id] { texts.append(caption) }
            guard let image = try store.image(id: id) else { continue }
            let annotations = image.annotations
            texts += annotations.captions + annotations.tags + annotations.text.map(\.text)
            texts += annotations.fields.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }
            objects.append(annotations.objects.filter { !$0.isCrowd }.map(\.category))
        }
        evidence.add(texts: texts)
        // Annotated samples' objects are already in the truth; described samples get them from the images.
        if case .described = sample.truth { evidence.add(objectsPerImage: objects) }
        return evidence
    }
}
