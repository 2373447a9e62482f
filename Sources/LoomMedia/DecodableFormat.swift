/// The formats Loom decodes.
///
/// Distinct from `ImageFormat` (what Loom writes): Loom reads WebP but never writes it.
public enum DecodableFormat: String, Sendable, Codable, Hashable, CaseIterable {
    case jpeg, png, webp

    /// The name used in messages: "JPEG", "PNG", "WebP".
    var displayName: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .webp: "WebP"
        }
    }
}
