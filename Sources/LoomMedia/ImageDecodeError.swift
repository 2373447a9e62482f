import LoomCore

/// Why an image could not be read: its kind (for grouping) and a plain sentence meant for the person who supplied
/// the file, for example "GIF images are not supported (Loom reads JPEG, PNG and WebP)".
public struct ImageDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is: `.emptyFile`, `.unsupportedFormat`, `.tooManyPixels` or `.corruptImage`.
    public var kind: RejectionKind
    /// The reason in plain words.
    public var reason: String

    /// An error of the given kind with the given reason.
    public init(_ kind: RejectionKind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }

    init(_ kind: RejectionKind, _ reason: String) {
        self.init(kind, reason: reason)
    }
}
