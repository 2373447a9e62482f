/// A folder of the user's videos: which frames each one gives its sample, and the timestamped annotations
/// that go with them.
public struct VideoCollection: Codable, Sendable, Hashable {
    /// How frames are chosen from each video.
    public enum Sampling: String, Codable, Sendable, Hashable, CaseIterable {
        /// `frames` frames, one from the middle of each of `frames` equal parts.
        case uniform
        /// `fps` frames per second from the start (MIMIC-IT used 1); a video too long for `frames` frames at that
        /// rate gets `frames` frames spread over all of it.
        case rate
        /// The first frame and the first frame of each new shot, at most `frames`.
        case scenes
    }

    /// The folder, as written in the recipe (relative to the recipe's folder unless absolute).
    public var folder: String
    /// Shell globs of the files to take (default: common video extensions) and to leave out.
    public var include: [String]
    public var exclude: [String]
    /// A JSON file of segments, narrations and character names per video (see `VideoAnnotationFile`).
    public var annotations: String?
    public var sampling: Sampling
    /// Frames per video: exactly this many for uniform sampling, at most this many otherwise.
    public var frames: Int
    /// Frames per second for rate sampling.
    public var fps: Double
    /// How different (0…1) a frame must be from the one before to start a new shot, for scene sampling.
    public var threshold: Double

    public init(
        folder: String, include: [String] = [], exclude: [String] = [], annotations: String? = nil,
        sampling: Sampling = .uniform, frames: Int = 8, fps: Double = 1, threshold: Double = 0.3
    ) {
        self.folder = folder
        self.include = include
        self.exclude = exclude
        self.annotations = annotations
        self.sampling = sampling
        self.frames = frames
        self.fps = fps
        self.threshold = threshold
    }
}

/// Procedural scene videos (`sources.scene_videos`): drawn frame sequences played as videos, encoded into the run
/// directory and read back by the video stage with their exact timeline, so temporal questions have ground truth.
public struct SceneVideoSource: Codable, Sendable, Hashable {
    public var count: Int
    /// Steps (drawn scenes) per video.
    public var steps: ClosedRange<Int>
    /// How long each step is shown.
    public var stepSeconds: Double
    /// Frames per second of the encoded video.
    public var framesPerSecond: Int
    /// Even sizes (4:2:0 video).
    public var width: Int
    public var height: Int

    public init(
        count: Int = 4, steps: ClosedRange<Int> = 4...8, stepSeconds: Double = 2, framesPerSecond: Int = 10, width: Int = 320,
        height: Int = 240
    ) {
        self.count = count
        self.steps = steps
        self.stepSeconds = stepSeconds
        self.framesPerSecond = framesPerSecond
        self.width = width
        self.height = height
    }
}
