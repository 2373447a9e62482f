/// How an export puts the images its records refer to into the export folder.
public struct ImageOptions: Sendable, Hashable, Codable {
    /// How a file reaches the export's `images/` folder.
    public enum Placement: String, Sendable, Hashable, Codable, CaseIterable {
        /// An independent copy (the default: the export can be moved or archived on its own).
        case copy
        /// A hard link: no extra space, but only on the same filesystem as the run (falls back to a copy).
        case hardlink
        /// A symbolic link to the run's file, by absolute path (the run must stay where it is).
        case symlink
    }

    /// The re-encoded file format, when images are converted.
    public enum Encoding: String, Sendable, Hashable, Codable, CaseIterable {
        case jpeg, png
    }

    public var placement: Placement
    /// When set, images whose longest side is larger are downscaled to it (aspect kept) and re-encoded.
    public var maxSide: Int?
    /// When set, every image is re-encoded in this format.
    public var encoding: Encoding?
    /// JPEG quality of re-encoded images.
    public var jpegQuality: Int

    public init(placement: Placement = .copy, maxSide: Int? = nil, encoding: Encoding? = nil, jpegQuality: Int = 92) {
        self.placement = placement
        self.maxSide = maxSide
        self.encoding = encoding
        self.jpegQuality = jpegQuality
    }

    /// Whether files are transformed (decoded and written anew) rather than placed as they are.
    var transforms: Bool { maxSide != nil || encoding != nil }
}
