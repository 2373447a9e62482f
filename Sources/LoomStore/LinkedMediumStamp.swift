/// A medium the run keeps as a hard link to the user's own file (an imported image), with that file's size and
/// modification time when it was linked: an export compares them to see whether the file was rewritten in place
/// since (which changes the run's copy with it) before it carries the file.
public struct LinkedMediumStamp: Sendable, Hashable {
    public var mediaID: String
    public var size: Int64
    /// Nanoseconds since 1970.
    public var modified: Int64

    public init(mediaID: String, size: Int64, modified: Int64) {
        self.mediaID = mediaID
        self.size = size
        self.modified = modified
    }
}
