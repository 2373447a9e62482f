import LoomCore
import LoomGenerate
import LoomScenes

/// A deterministic spread of procedural samples of every kind, generated once for the generator tests.
enum GeneratedSamples {
    static let catalog: TemplateCatalog = try! TemplateCatalog.bundled()

    static func generator(types: [QuestionType] = [.judgement, .multipleChoice, .shortVQA, .longVQA, .multiRound])
        -> TemplateGenerator
    {
        TemplateGenerator(catalog: catalog, types: types, domains: nil)
    }

    static func sample(_ kind: SampleKind, _ ordinal: Int, seed: UInt64 = 7) -> Sample {
        var rng = SeededGenerator(seed: StableID.seed(seed, kind.rawValue, String(ordinal)))
        let settings = SceneSettings()
        let truth: SampleTruth =
            switch kind {
            case .single: .single(SceneComposer.single(settings, rng: &rng))
            case .pair: .pair(SceneComposer.pair(settings, rng: &rng))
            case .set: .set(SceneComposer.set(settings, count: rng.int(in: 3...6), rng: &rng))
            case .sequence: .sequence(SceneComposer.sequence(settings, frames: rng.int(in: 4...16), rng: &rng))
            }
        let media = truth.scenes.indices.map { "media-\(kind.rawValue)-\(ordinal)-\($0)" }
        return Sample(id: "smp-\(kind.rawValue)-\(ordinal)", kind: kind, ordinal: ordinal, media: media, truth: truth)
    }

    /// Samples and their records: 160 singles and 40 of each multi-image kind of drawn scenes, then the
    /// annotated photos of `AnnotatedSamples`.
    static let all: [(sample: Sample, records: [Record])] = {
        let generator = Self.generator()
        var out: [(Sample, [Record])] = []
        for (kind, count) in [(SampleKind.single, 160), (.pair, 40), (.set, 40), (.sequence, 40)] {
            for ordinal in 0..<count {
                let sample = sample(kind, ordinal)
                out.append((sample, try! generator.records(for: sample, seed: UInt64(ordinal))))
            }
        }
        return out + AnnotatedSamples.all(generator: generator)
    }()

    static var records: [Record] { all.flatMap(\.records) }
}
