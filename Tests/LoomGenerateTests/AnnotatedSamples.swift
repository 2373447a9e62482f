import LoomCore
import LoomGenerate

/// Seeded stand-ins for annotated photographs: COCO-like categories and boxes of every size, some tiny, some
/// crowds, in singles, pairs and sets.
enum AnnotatedSamples {
    static let vocabulary = [
        "person", "dog", "cat", "bicycle", "car", "bus", "traffic light", "bench", "bird", "sheep", "wine glass",
        "knife", "couch", "potted plant", "skis", "giraffe", "toothbrush", "umbrella",
    ]

    static func image(_ rng: inout SeededGenerator) -> AnnotatedImage {
        let (width, height) = (rng.int(in: 480...800), rng.int(in: 360...640))
        // A few categories per photo, several instances of some: what counting questions need.
        let present = Array(vocabulary.shuffled(using: &rng).prefix(rng.int(in: 1...5)))
        var objects: [AnnotatedObject] = []
        for category in present {
            for _ in 0..<rng.int(in: 1...4) {
                let tiny = rng.chance(0.1)
                let w = tiny ? Double(rng.int(in: 3...12)) : Double(rng.int(in: 40...(width / 2)))
                let h = tiny ? Double(rng.int(in: 3...12)) : Double(rng.int(in: 40...(height / 2)))
                let x = Double(rng.int(in: 0...(width - Int(w))))
                let y = Double(rng.int(in: 0...(height - Int(h))))
                objects.append(AnnotatedObject(category: category, box: Box(x: x, y: y, width: w, height: h), isCrowd: rng.chance(0.05)))
            }
        }
        return AnnotatedImage(width: width, height: height, objects: objects)
    }

    static func sample(_ kind: SampleKind, _ ordinal: Int, seed: UInt64 = 11) -> Sample {
        var rng = SeededGenerator(seed: StableID.seed(seed, "annotated", kind.rawValue, String(ordinal)))
        let count = kind == .single ? 1 : kind == .pair ? 2 : rng.int(in: 3...4)
        let images = (0..<count).map { _ in image(&rng) }
        let media = images.indices.map { "photo-\(kind.rawValue)-\(ordinal)-\($0)" }
        return Sample(
            id: "smp-annotated-\(kind.rawValue)-\(ordinal)", kind: kind, ordinal: ordinal, media: media,
            truth: .annotated(AnnotatedTruth(kind: kind, images: images)))
    }

    /// 160 singles, 60 pairs and 60 sets with their records.
    static func all(generator base: TemplateGenerator) -> [(sample: Sample, records: [Record])] {
        var generator = base
        generator.categories = vocabulary.sorted()
        var out: [(Sample, [Record])] = []
        for (kind, count) in [(SampleKind.single, 160), (.pair, 60), (.set, 60)] {
            for ordinal in 0..<count {
                let sample = sample(kind, ordinal)
                out.append((sample, try! generator.records(for: sample, seed: UInt64(ordinal))))
            }
        }
        return out
    }
}
