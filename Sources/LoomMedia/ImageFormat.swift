/// A file format Loom writes images in.
public enum ImageFormat: String, Codable, Sendable, CaseIterable, Hashable {
    /// Lossless PNG, 8 bits per channel.
    case png
    /// Baseline JPEG.
    case jpeg

    /// The conventional file name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        }
    }
}
