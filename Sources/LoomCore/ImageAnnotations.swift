/// What a collection says about one of its images: the ground truth that grounded questions are computed from.
///
/// Coordinates are pixels of the image as displayed (after EXIF orientation), origin at the top left.
public struct ImageAnnotations: Codable, Sendable, Hashable {
    /// Human-written captions (COCO `captions_*.json`, a manifest's `captions`).
    public var captions: [String]
    /// Free tags or labels for the whole image.
    public var tags: [String]
    /// Objects with a category and a box (COCO `instances_*.json`, a manifest's `objects`).
    public var objects: [AnnotatedObject]
    /// Text lines read from the image (a manifest's `ocr`, or Loom's OCR annotator).
    public var text: [TextLine]
    /// Any other fields of a manifest line, each as JSON text, kept for prompts and exports.
    public var fields: [String: String]

    public init(
        captions: [String] = [], tags: [String] = [], objects: [AnnotatedObject] = [], text: [TextLine] = [],
        fields: [String: String] = [:]
    ) {
        self.captions = captions
        self.tags = tags
        self.objects = objects
        self.text = text
        self.fields = fields
    }

    /// True when nothing is annotated.
    public var isEmpty: Bool { captions.isEmpty && tags.isEmpty && objects.isEmpty && text.isEmpty && fields.isEmpty }

    /// These annotations with what `other` adds: captions, tags, objects and text lines not already present,
    /// in their order, and fields this one lacks. Two sources describing the same image (a folder and a COCO
    /// file over the same photos) keep everything either says, once.
    public func merging(_ other: ImageAnnotations) -> ImageAnnotations {
        func union<T: Hashable>(_ mine: [T], _ theirs: [T]) -> [T] {
            var seen = Set(mine)
            return mine + theirs.filter { seen.insert($0).inserted }
        }
        return ImageAnnotations(
            captions: union(captions, other.captions), tags: union(tags, other.tags),
            objects: union(objects, other.objects), text: union(text, other.text),
            fields: fields.merging(other.fields) { mine, _ in mine })
    }
}

/// One annotated object: a category name and its box.
public struct AnnotatedObject: Codable, Sendable, Hashable {
    public var category: String
    public var box: Box
    /// COCO's `iscrowd`: the box covers a crowd of instances, not one (left out of counting questions).
    public var isCrowd: Bool

    public init(category: String, box: Box, isCrowd: Bool = false) {
        self.category = category
        self.box = box
        self.isCrowd = isCrowd
    }
}

/// A line of text in an image, with where it is and how sure the reader was.
public struct TextLine: Codable, Sendable, Hashable {
    public var text: String
    public var box: Box
    /// 0...100; 100 for text from ground truth.
    public var confidence: Double

    public init(text: String, box: Box, confidence: Double) {
        self.text = text
        self.box = box
        self.confidence = confidence
    }
}
