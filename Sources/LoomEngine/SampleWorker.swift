import Foundation
import LoomCore
import LoomGenerate
import LoomMedia
import LoomRecipe
import LoomScenes
import LoomStore

/// Makes one sample from start to finish on the calling thread: composes its ground truth, draws and
/// encodes its images, generates its records and checks every answer. Pure apart from writing the image
/// files, which are content-addressed and so safe to write again after a crash.
struct SampleWorker: Sendable {
    let recipe: Recipe
    let source: SceneSource
    let settings: SceneSettings
    let generator: TemplateGenerator
    let runDirectory: URL
    /// When false, images are composed and checked but not drawn or written (benchmarks of generation alone).
    var renderImages = true

    static let mediaFolder = "media"

    func make(_ planned: PlannedSample) throws -> StoreWrite {
        var rng = SeededGenerator(seed: StableID.seed(recipe.seed, planned.id, "scene"))
        let truth: SampleTruth
        switch planned.kind {
        case .single: truth = .single(SceneComposer.single(settings, rng: &rng))
        case .pair: truth = .pair(SceneComposer.pair(settings, rng: &rng))
        case .set: truth = .set(SceneComposer.set(settings, count: rng.int(in: source.setImages), rng: &rng))
        case .sequence:
            truth = .sequence(SceneComposer.sequence(settings, frames: rng.int(in: source.sequenceFrames), rng: &rng))
        }
        let kind: MediaKind = planned.kind == .sequence ? .frame : .image
        var media: [MediaItem] = []
        for (index, scene) in truth.scenes.enumerated() {
            media.append(try renderImages ? draw(scene, kind: kind) : placeholderMedium(planned, index, scene, kind))
        }
        let sample = Sample(
            id: planned.id, kind: planned.kind, ordinal: planned.ordinal, media: media.map(\.id), truth: truth)
        var records = try generator.records(for: sample, seed: StableID.seed(recipe.seed, planned.id, "generate"))
        try RecordChecking.check(&records, truth: truth, policy: recipe.check.onDisagreement)
        // Identical media within a sample (a still frame) are stored once.
        var seen: Set<String> = []
        var write = StoreWrite(
            media: media.filter { seen.insert($0.id).inserted }, samples: [sample], records: records,
            ledger: [Stage.render, .generate, .check].map { LedgerEntry(item: planned.id, stage: $0.rawValue, status: .done) })
        write.encode()  // here, on a worker thread, not in the single writer
        return write
    }

    /// Draws, encodes and writes one image; its id is the SHA-256 of the encoded bytes.
    private func draw(_ scene: SceneTruth, kind: MediaKind) throws -> MediaItem {
        let format = ImageFormat(rawValue: source.format) ?? .png
        let pixels = try SceneRenderer.render(scene)
        let bytes = try ImageEncoder.encode(pixels, format: format, jpegQuality: source.jpegQuality)
        let id = StableID.sha256Hex(bytes)
        let relative = "\(Self.mediaFolder)/\(id).\(format.fileExtension)"
        try ContentFile.writeOnce(bytes, to: runDirectory.appendingPathComponent(relative), what: "image")
        return MediaItem(id: id, kind: kind, path: relative, format: format.rawValue, width: scene.width, height: scene.height)
    }

    /// A stand-in medium whose id is derived from the sample, for runs that skip drawing.
    private func placeholderMedium(_ planned: PlannedSample, _ index: Int, _ scene: SceneTruth, _ kind: MediaKind) -> MediaItem {
        let id = StableID.derive("nomedia", planned.id, String(index))
        return MediaItem(id: id, kind: kind, path: "\(Self.mediaFolder)/\(id).png", format: "png", width: scene.width, height: scene.height)
    }
}
