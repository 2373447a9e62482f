/// Why a video cannot be used, with the category the run records it under.
public struct VideoError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Not a container libavformat can read, or a truncated or damaged one.
        case unreadable
        /// A container without any video stream (audio only, subtitles).
        case noVideoStream
        /// A video stream whose codec this build of libavcodec cannot decode.
        case unsupportedCodec
        /// A stream with no duration and no frames.
        case empty
        /// Decoding failed part way.
        case decodeFailed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
