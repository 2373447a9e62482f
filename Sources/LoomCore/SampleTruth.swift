/// The controlled difference between the two images of a pair.
public struct PairChange: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable, Hashable {
        case added, removed, moved, recolored, resized
    }

    public var kind: Kind
    /// The id of the object that changed (present in the first image, the second, or both).
    public var objectID: Int

    public init(kind: Kind, objectID: Int) {
        self.kind = kind
        self.objectID = objectID
    }
}

/// A pair of images that differ by exactly one controlled change.
public struct PairTruth: Codable, Sendable, Hashable {
    public var first: SceneTruth
    public var second: SceneTruth
    public var change: PairChange

    public init(first: SceneTruth, second: SceneTruth, change: PairChange) {
        self.first = first
        self.second = second
        self.change = change
    }
}

/// The ground truth of a whole sample.
public enum SampleTruth: Codable, Sendable, Hashable {
    case single(SceneTruth)
    case pair(PairTruth)
    case set([SceneTruth])
    /// Frames in time order; an object keeps its id from frame to frame.
    case sequence([SceneTruth])
    /// The user's own images, with what their annotations say.
    case annotated(AnnotatedTruth)
    /// A row of an existing dataset, with the answer the dataset gives.
    case converted(ConvertedTruth)
    /// Images that a model wrote about: no ground truth beyond the descriptions the records were written from.
    case described(DescribedContext)
    /// Frames of one of the user's videos, with their times and the video's timestamped annotations.
    case video(VideoTruth)

    /// One drawn scene per medium, in the sample's order; empty for annotated images.
    public var scenes: [SceneTruth] {
        switch self {
        case .single(let scene): [scene]
        case .pair(let pair): [pair.first, pair.second]
        case .set(let scenes), .sequence(let scenes): scenes
        case .annotated, .converted, .described, .video: []
        }
    }

    /// The time of each frame in its video, in the sample's order, for frames of the user's videos; nil otherwise.
    public var frameTimes: [Double]? {
        if case .video(let video) = self { return video.frameTimes }
        return nil
    }

    /// One annotated image per medium, in the sample's order; empty for drawn scenes.
    public var annotatedImages: [AnnotatedImage] {
        if case .annotated(let truth) = self { return truth.images }
        return []
    }

    public var kind: SampleKind {
        switch self {
        case .single: .single
        case .pair: .pair
        case .set: .set
        case .sequence: .sequence
        case .annotated(let truth): truth.kind
        case .converted(let truth): truth.kind
        case .described(let context): context.kind
        case .video: .sequence
        }
    }
}

/// One of the user's images as its annotations describe it. Coordinates are pixels of the original image as
/// displayed (after EXIF orientation), the space the annotations were made in.
public struct AnnotatedImage: Codable, Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var objects: [AnnotatedObject]

    public init(width: Int, height: Int, objects: [AnnotatedObject]) {
        self.width = width
        self.height = height
        self.objects = objects
    }
}

/// The ground truth of a sample of the user's images: one annotated image per medium. Only what the
/// annotations state counts as true; an object nobody annotated is, for the checker, not there.
public struct AnnotatedTruth: Codable, Sendable, Hashable {
    /// Single, pair or set.
    public var kind: SampleKind
    public var images: [AnnotatedImage]

    public init(kind: SampleKind, images: [AnnotatedImage]) {
        self.kind = kind
        self.images = images
    }
}

/// The context of records a model wrote: which images, and which generation recipe produced them.
public struct DescribedContext: Codable, Sendable, Hashable {
    public var kind: SampleKind
    /// What made the records: "questions", "conversation", "multi_vqa", "syphus:<subset>".
    public var origin: String

    public init(kind: SampleKind, origin: String) {
        self.kind = kind
        self.origin = origin
    }
}
