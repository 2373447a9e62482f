import LoomMedia

/// Which frames of a video become media of its sample.
public enum FrameSampling: Sendable, Hashable {
    /// `count` frames spread evenly: the frame showing at the middle of each of `count` equal parts of the video.
    case uniform(count: Int)
    /// One frame every `1 / perSecond` seconds from the start (MIMIC-IT sampled its videos at 1 fps). A video too
    /// long for `maxFrames` frames at that rate gets `maxFrames` frames spread evenly over all of it (as
    /// `uniform`), so the frames always cover the whole video and no event is left without a frame.
    case rate(perSecond: Double, maxFrames: Int)
    /// The first frame, then the first frame of each new shot: a frame whose picture differs from the one before
    /// by at least `threshold` (0…1, the mean absolute difference of small grey versions). When there are more
    /// cuts than `maxFrames - 1`, the sharpest ones are kept.
    case sceneChanges(threshold: Double, maxFrames: Int)

    /// The times (seconds from the start) to take frames at, for a video of `duration` seconds; empty for scene
    /// changes, which are found by decoding (`VideoReader.sample(_:)`).
    public func times(duration: Double) -> [Double] {
        guard duration > 0 else { return [] }
        switch self {
        case .sceneChanges: return []
        case .uniform(let count):
            guard count > 0 else { return [] }
            return (0..<count).map { duration * (Double($0) + 0.5) / Double(count) }
        case .rate(let perSecond, let maxFrames):
            guard perSecond > 0, maxFrames > 0 else { return [] }
            // (A container's duration can run a hair past the last frame: a millisecond of slack.)
            if (duration * perSecond - 1e-3).rounded(.up) > Double(maxFrames) {
                return FrameSampling.uniform(count: maxFrames).times(duration: duration)
            }
            var times: [Double] = []
            var index = 0
            while times.count < maxFrames {
                let time = Double(index) / perSecond
                if time >= duration { break }
                times.append(time)
                index += 1
            }
            return times
        }
    }
}

/// A frame taken from a video: when it is shown, and its pixels (turned as a player would show them).
public struct SampledFrame: Sendable {
    /// Seconds from the start of the video (the frame's presentation time).
    public var time: Double
    /// The time it was taken for (the frame is the one showing then).
    public var target: Double
    public var image: RGBImage
}
