import LoomCore
import LoomRecipe
import LoomStore

/// One sample of the user's annotated images the run will make.
struct PlannedAnnotatedSample: Sendable, Hashable {
    var id: String
    var kind: SampleKind
    var ordinal: Int
    /// Ingested image ids, in the sample's order.
    var images: [String]
}

/// The samples a recipe asks of its annotated images: one single per image with objects (near-duplicates
/// left out), then pairs and sets of images that share a category, so that questions across them have
/// something to compare. The plan depends only on the ingested images and the seed, so it is the same on
/// every resume.
struct AnnotatedSamplePlan: Sendable {
    let samples: [PlannedAnnotatedSample]
    /// Every category annotated anywhere in the collection, sorted.
    let categories: [String]

    init(store: RunStore, settings: GroundSettings, seed: UInt64) throws {
        // Only ids and category numbers are held: a few dozen bytes per image.
        var ids: [String] = []
        var imageCategories: [[Int]] = []
        var categoryNumbers: [String: Int] = [:]
        var categoryNames: [String] = []
        try store.forEachImage { image in
            guard image.duplicateOf == nil, image.annotations.objects.contains(where: { !$0.isCrowd }) else { return }
            var numbers: Set<Int> = []
            for object in image.annotations.objects {
                if let number = categoryNumbers[object.category] {
                    numbers.insert(number)
                } else {
                    categoryNumbers[object.category] = categoryNames.count
                    numbers.insert(categoryNames.count)
                    categoryNames.append(object.category)
                }
            }
            ids.append(image.id)
            imageCategories.append(numbers.sorted())
        }
        categories = categoryNames.sorted()

        var samples: [PlannedAnnotatedSample] = []
        if settings.singles {
            for (ordinal, id) in ids.enumerated() {
                samples.append(PlannedAnnotatedSample(
                    id: StableID.derive("smp", String(seed), "annotated-single", id), kind: .single, ordinal: ordinal,
                    images: [id]))
            }
        }
        var holders = Array(repeating: [Int](), count: categoryNames.count)
        for (index, numbers) in imageCategories.enumerated() { for number in numbers { holders[number].append(index) } }
        func group(_ kind: SampleKind, ordinal: Int, size: Int) -> PlannedAnnotatedSample? {
            guard ids.count >= size else { return nil }
            var rng = SeededGenerator(seed: StableID.seed(seed, "annotated-\(kind.rawValue)", String(ordinal)))
            let anchor = rng.int(in: 0...(ids.count - 1))
            var chosen = [anchor]
            // Partners share one of the anchor's categories where the collection allows, else any image.
            if let shared = rng.pick(imageCategories[anchor]) {
                for index in holders[shared].shuffled(using: &rng) where chosen.count < size && !chosen.contains(index) {
                    chosen.append(index)
                }
            }
            while chosen.count < size {
                let index = rng.int(in: 0...(ids.count - 1))
                if !chosen.contains(index) { chosen.append(index) }
            }
            chosen.shuffle(using: &rng)
            return PlannedAnnotatedSample(
                id: StableID.derive("smp", String(seed), "annotated-\(kind.rawValue)", String(ordinal)), kind: kind,
                ordinal: ordinal, images: chosen.map { ids[$0] })
        }
        for ordinal in 0..<settings.pairs {
            if let sample = group(.pair, ordinal: ordinal, size: 2) { samples.append(sample) }
        }
        for ordinal in 0..<settings.sets {
            var rng = SeededGenerator(seed: StableID.seed(seed, "annotated-set-size", String(ordinal)))
            if let sample = group(.set, ordinal: ordinal, size: rng.int(in: settings.setImages)) { samples.append(sample) }
        }
        self.samples = samples
    }
}
