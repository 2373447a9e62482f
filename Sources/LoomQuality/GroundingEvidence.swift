import LoomCore

/// What is known about a sample's images, as the grounding check reads it: the words of every caption, annotation,
/// OCR line and object name, and the numbers those facts make derivable (object counts per name and in all,
/// numbers written in the texts, the number of images).
public struct GroundingEvidence: Sendable {
    /// Stems of every word the evidence uses.
    public private(set) var stems: Set<String> = []
    /// Numbers the evidence states or counts.
    public private(set) var numbers: Set<Int> = []
    /// Whether the evidence knows any quantity beyond the image count (if not, numbers in answers are not judged).
    public private(set) var hasQuantities = false

    public init() {}

    /// Evidence from texts and, per image, the names of its objects ("large red striped circle", "dog").
    public init(texts: [String], objectsPerImage: [[String]] = [], imageCount: Int = 1) {
        add(texts: texts)
        add(objectsPerImage: objectsPerImage)
        numbers.insert(imageCount)
    }

    /// Evidence from a sample's ground truth: drawn scenes' objects (size, colour, pattern, shape), backgrounds
    /// and sign texts; annotated images' object categories. Converted and described samples contribute nothing
    /// here: their evidence is their texts.
    public init(truth: SampleTruth, texts: [String] = []) {
        self.init()
        let scenes = truth.scenes
        var objects: [[String]] = []
        var sceneTexts = texts
        for scene in scenes {
            objects.append(scene.objects.map { "\($0.size.rawValue) \($0.color.rawValue) \($0.pattern.rawValue) \($0.shape.rawValue)" })
            sceneTexts.append(scene.backgroundName)
            sceneTexts.append(contentsOf: scene.labels.map { "\($0.signColor) sign \($0.text)" })
            for label in scene.labels { if let value = label.numericValue { numbers.insert(value) } }
        }
        for image in truth.annotatedImages { objects.append(image.objects.map(\.category)) }
        add(texts: sceneTexts)
        add(objectsPerImage: objects)
        numbers.insert(max(1, scenes.count + truth.annotatedImages.count))
        if scenes.contains(where: { !$0.labels.isEmpty }) { hasQuantities = true }
    }

    /// Adds texts: their word stems and the numbers they state.
    public mutating func add(texts: [String]) {
        for text in texts {
            for word in Words.lowercased(text) {
                stems.insert(Stem.of(word))
                if let number = GroundingCheck.number(word) {
                    numbers.insert(number)
                    hasQuantities = true
                }
            }
        }
    }

    /// Adds object names per image, and counts: per name word (e.g. every "red", every "circle", every
    /// "red circle"), per image and over all images.
    public mutating func add(objectsPerImage: [[String]]) {
        var overall: [String: Int] = [:]
        var total = 0
        for names in objectsPerImage {
            var perImage: [String: Int] = [:]
            for name in names {
                let words = Words.lowercased(name).map(Stem.of)
                for word in words { stems.insert(word) }
                // Every word and every adjacent pair of words is a countable description.
                var keys = Set(words)
                for index in words.indices.dropLast() { keys.insert(words[index] + " " + words[index + 1]) }
                if words.count > 1 { keys.insert(words[0] + " " + words[words.count - 1]) }
                for key in keys { perImage[key, default: 0] += 1 }
            }
            for (key, count) in perImage {
                numbers.insert(count)
                overall[key, default: 0] += count
            }
            if !names.isEmpty {
                numbers.insert(names.count)
                total += names.count
                hasQuantities = true
            }
        }
        for count in overall.values { numbers.insert(count) }
        if total > 0 { numbers.insert(total) }
    }
}
