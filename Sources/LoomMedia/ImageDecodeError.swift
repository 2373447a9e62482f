/// Why an image could not be read. `reason` is a plain sentence meant for the person who supplied the file,
/// for example "GIF images are not supported (Loom reads JPEG, PNG and WebP)".
public struct ImageDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason in plain words.
    public var reason: String

    /// An error with the given reason.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    init(_ reason: String) {
        self.reason = reason
    }
}
