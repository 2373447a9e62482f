import LoomCore

/// Generator-side questions about an annotated image: which categories can be counted, which objects can be
/// singled out. The thresholds decide what is worth asking about, not what is true: the checker accepts any
/// answer the annotations support, and these rules only keep questions away from what a model cannot see.
enum AnnotationQueries {
    /// A category is counted only when every instance covers at least this fraction of the image: COCO
    /// annotates objects of a few pixels that are invisible at the 512-pixel size models are fed.
    static let countableArea = 0.002
    /// An object is singled out (located, related, compared) only when it covers at least this fraction.
    static let salientArea = 0.01
    /// Counts above this are tedious to verify by eye and rare in training mixes; they are not asked.
    static let maximumCount = 12

    static func areaFraction(_ object: AnnotatedObject, in image: AnnotatedImage) -> Double {
        guard image.width > 0, image.height > 0 else { return 0 }
        return object.box.width * object.box.height / (Double(image.width) * Double(image.height))
    }

    /// Every category annotated in the image, crowds included.
    static func categories(of image: AnnotatedImage) -> Set<String> {
        Set(image.objects.map(\.category))
    }

    /// How many instances each countable category has: no crowd box, every instance visible, at most
    /// `maximumCount`. Sorted by category, so that choices depend only on the seed.
    static func countable(_ image: AnnotatedImage) -> [(category: String, count: Int)] {
        var instances: [String: [AnnotatedObject]] = [:]
        for object in image.objects { instances[object.category, default: []].append(object) }
        return instances.keys.sorted().compactMap { category in
            let objects = instances[category]!
            guard objects.count <= maximumCount, !objects.contains(where: \.isCrowd),
                objects.allSatisfy({ areaFraction($0, in: image) >= countableArea })
            else { return nil }
            return (category, objects.count)
        }
    }

    /// The count of `category` when it can be counted in the image: 0 when it is not annotated at all, nil
    /// when a crowd box or a tiny instance leaves the count unclear.
    static func count(of category: String, in image: AnnotatedImage) -> Int? {
        if !categories(of: image).contains(category) { return 0 }
        return countable(image).first { $0.category == category }?.count
    }

    /// Objects that are the only annotation of their category in the image and big enough to point at,
    /// in annotation order.
    static func singletons(_ image: AnnotatedImage) -> [AnnotatedObject] {
        var tally: [String: Int] = [:]
        for object in image.objects { tally[object.category, default: 0] += 1 }
        return image.objects.filter {
            tally[$0.category] == 1 && !$0.isCrowd && areaFraction($0, in: image) >= salientArea
        }
    }

    /// Categories with at least one visible single instance (not a crowd) in the image, sorted.
    static func salientCategories(_ image: AnnotatedImage) -> [String] {
        Set(image.objects.filter { !$0.isCrowd && areaFraction($0, in: image) >= salientArea }.map(\.category)).sorted()
    }
}
