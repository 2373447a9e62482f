import LoomCore

/// One image a source offers, with whatever its source knows about it.
public struct SourceItem: Sendable, Hashable {
    public var path: SourcePath
    public var annotations: ImageAnnotations
    /// Where it came from, for messages: "folder photos/", "manifest data.jsonl:12", "coco instances_val2017.json".
    public var origin: String
    /// The image size the annotations' boxes were drawn on, when the source says (COCO's `width` and `height`):
    /// checked against the decoded image.
    public var annotatedWidth: Double?
    public var annotatedHeight: Double?

    public init(
        path: SourcePath, annotations: ImageAnnotations = ImageAnnotations(), origin: String, annotatedWidth: Double? = nil,
        annotatedHeight: Double? = nil
    ) {
        self.path = path
        self.annotations = annotations
        self.origin = origin
        self.annotatedWidth = annotatedWidth
        self.annotatedHeight = annotatedHeight
    }
}

/// Something a source could not use, with what kind of problem it is and why.
public struct SourceRejection: Sendable, Hashable, CustomStringConvertible {
    /// What was rejected: a path (display form), "file:line", or "file annotation 1234".
    public var subject: String
    /// The group it is listed under, e.g. `.missingFile` or `.badManifestLine`.
    public var kind: RejectionKind
    /// Why, in plain words.
    public var reason: String

    public init(subject: String, kind: RejectionKind, reason: String) {
        self.subject = subject
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(subject): \(reason)" }
}
