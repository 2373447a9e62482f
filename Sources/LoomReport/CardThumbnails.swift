import Foundation
import LoomMedia

/// Sample images made small enough to embed in the card as `data:` URLs, so the page stands alone.
enum CardThumbnails {
    /// The longest side of an embedded thumbnail, in pixels (shown at half that, so sharp on dense screens).
    static let longestSide = 176
    /// JPEG quality of an embedded thumbnail.
    static let quality = 78

    /// A JPEG data URL of the image at `relativePath` inside `runDirectory`; nil when it cannot be read.
    static func dataURL(forMediaAt relativePath: String, in runDirectory: URL) -> String? {
        let url = runDirectory.appendingPathComponent(relativePath)
        guard let data = try? Data(contentsOf: url),
            let decoded = try? ImageDecoder.decode([UInt8](data), minimumLongestSide: 2 * longestSide),
            let jpeg = try? ImageEncoder.encodeJPEG(Resampler.downscale(decoded.image, longestSide: longestSide), quality: quality)
        else { return nil }
        return "data:image/jpeg;base64," + Data(jpeg).base64EncodedString()
    }
}
