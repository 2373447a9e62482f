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

    /// One scene per medium, in the sample's order.
    public var scenes: [SceneTruth] {
        switch self {
        case .single(let scene): [scene]
        case .pair(let pair): [pair.first, pair.second]
        case .set(let scenes), .sequence(let scenes): scenes
        }
    }

    public var kind: SampleKind {
        switch self {
        case .single: .single
        case .pair: .pair
        case .set: .set
        case .sequence: .sequence
        }
    }
}
