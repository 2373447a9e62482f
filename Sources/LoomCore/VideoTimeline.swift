/// A stretch of a video with what happens in it: a dense caption (ActivityNet Captions, YouCook2) or a TV
/// clip's description.
public struct VideoSegment: Codable, Sendable, Hashable {
    /// Seconds from the start of the video.
    public var start: Double
    public var end: Double
    public var text: String

    public init(start: Double, end: Double, text: String) {
        self.start = start
        self.end = end
        self.text = text
    }

    public var duration: Double { end - start }

    /// True when the two segments share more than a moment (touching ends do not overlap).
    public func overlaps(_ other: VideoSegment) -> Bool { start < other.end && other.start < end }
}

/// A moment of a first-person video with what the camera wearer does then (Ego4D's narrations).
public struct Narration: Codable, Sendable, Hashable {
    /// Seconds from the start of the video.
    public var time: Double
    public var text: String

    public init(time: Double, text: String) {
        self.time = time
        self.text = text
    }
}

/// What a collection says about one of its videos.
public struct VideoAnnotations: Codable, Sendable, Hashable {
    /// Timestamped events, in the order given.
    public var segments: [VideoSegment]
    /// Timestamped first-person narrations, in the order given.
    public var narrations: [Narration]
    /// Names of the people in the video (a TV show's characters): the Syphus TV-style subset writes them as
    /// neutral references.
    public var characters: [String]
    /// Captions of the whole video.
    public var captions: [String]
    /// Filmed from the point of view of the person acting (egocentric video): questions speak to them as "I".
    public var firstPerson: Bool

    public init(
        segments: [VideoSegment] = [], narrations: [Narration] = [], characters: [String] = [], captions: [String] = [],
        firstPerson: Bool = false
    ) {
        self.segments = segments
        self.narrations = narrations
        self.characters = characters
        self.captions = captions
        self.firstPerson = firstPerson
    }

    public var isEmpty: Bool { segments.isEmpty && narrations.isEmpty && characters.isEmpty && captions.isEmpty }
}

/// The ground truth of a video sample: when each of its frames was taken, and what the video's annotations
/// say happens when. Segments are sorted by start (then end), narrations by time; both lie within the video.
public struct VideoTruth: Codable, Sendable, Hashable {
    /// SHA-256 of the video file's bytes.
    public var videoID: String
    /// Seconds.
    public var duration: Double
    /// The presentation time (seconds) of each medium of the sample, ascending.
    public var frameTimes: [Double]
    public var annotations: VideoAnnotations

    public init(videoID: String, duration: Double, frameTimes: [Double], annotations: VideoAnnotations) {
        self.videoID = videoID
        self.duration = duration
        self.frameTimes = frameTimes
        self.annotations = annotations
    }

    public var segments: [VideoSegment] { annotations.segments }
    public var narrations: [Narration] { annotations.narrations }
}
