/// The formats Loom decodes.
///
/// Distinct from `ImageFormat` (what Loom writes): Loom reads WebP, HEIF and AVIF but never writes them.
public enum DecodableFormat: String, Sendable, Codable, Hashable, CaseIterable {
    case jpeg, png, webp
    /// HEIF, in practice HEIC: HEVC-coded, what phones save photos as.
    case heif
    /// AV1-coded HEIF.
    case avif

    /// The name used in messages: "JPEG", "PNG", "WebP", "HEIC", "AVIF".
    var displayName: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .webp: "WebP"
        case .heif: "HEIC"
        case .avif: "AVIF"
        }
    }
}
