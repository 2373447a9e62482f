/// What a video file's container and video stream say about it, before any frame is decoded.
public struct VideoInfo: Sendable, Hashable {
    /// Seconds, from the stream (or the container when the stream does not say).
    public var duration: Double
    /// The average frame rate (frames per second), 0 when unknown.
    public var frameRate: Double
    /// The coded size in pixels, before rotation.
    public var width: Int
    public var height: Int
    /// Clockwise degrees (0, 90, 180, 270) a player turns the picture, from the stream's display matrix (phones
    /// record portrait video as landscape frames with a rotation).
    public var rotation: Int
    /// The codec's short name ("h264", "mpeg4", …).
    public var codec: String
    /// Frames in the stream when the container counts them, else an estimate from duration and rate.
    public var frameCount: Int
    /// The container's and the stream's rates disagree: frames are not evenly spaced. Sampling goes by
    /// timestamps, so such videos are sampled correctly; the flag is reported.
    public var variableFrameRate: Bool
    /// The HDR transfer the stream is tagged with ("PQ" or "HLG"), nil for SDR; its frames come tone-mapped to
    /// SDR BT.709.
    public var hdr: String? = nil

    /// The displayed size: width and height swapped for a quarter turn.
    public var displayedSize: (width: Int, height: Int) {
        rotation == 90 || rotation == 270 ? (height, width) : (width, height)
    }
}
