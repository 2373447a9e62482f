import Foundation
import LoomMedia
import Synchronization

/// Photos in formats browsers do not show (HEIC: only Safari does) as JPEGs a reviewer's browser can, at most
/// `longestSide` pixels on their longest side. A HEIC is decoded whole, so at most a few are converted at once
/// (`WorkSlots`), and the last ones made are kept (up to `cacheBytes`): the N reviewers of a record ask for the
/// same photo.
final class MediaPreviews: Sendable {
    /// The longest side of a preview: enough to judge a record on any screen.
    static let longestSide = 2048
    static let jpegQuality = 85
    let cacheBytes: Int
    private let slots: WorkSlots
    /// Previews by medium id, most recently made last.
    private let cache = Mutex<(entries: [(id: String, bytes: [UInt8])], bytes: Int)>(([], 0))

    /// - Parameter concurrency: previews made at once; two by default whatever the cores, since a HEIC decodes whole
    ///   (a 100-megapixel photo takes 300 MB while it is converted).
    init(concurrency: Int = min(2, max(1, ProcessInfo.processInfo.activeProcessorCount / 2)), cacheBytes: Int = 64 << 20) {
        slots = WorkSlots(limit: concurrency, maxWaiting: 64)
        self.cacheBytes = cacheBytes
    }

    /// Whether a stored format needs a preview to be seen in a browser.
    static func needsPreview(_ format: String) -> Bool {
        ["heif", "heic"].contains(format.lowercased())
    }

    /// The JPEG preview of a medium's file; nil when too many previews are being made (the browser asks again
    /// on reload).
    /// - Throws: `PreviewFailure` saying why, without the file's path.
    func jpeg(id: String, file: URL) async throws -> [UInt8]? {
        if let kept = cache.withLock({ $0.entries.first { $0.id == id }?.bytes }) { return kept }
        // Decoding runs on the app's thread pool, off Swift's cooperative threads.
        guard let made = try await slots.run({ try await blocking { try Self.preview(of: file) } }) else { return nil }
        keep(id: id, made)
        return made
    }

    /// Why a preview could not be made, in words for the browser (no path of the server's).
    struct PreviewFailure: Error, CustomStringConvertible {
        /// Whether the file is missing (a 404, not a bad photo).
        var missing: Bool
        var description: String
    }

    /// Decodes the file, downscales it and encodes a JPEG.
    static func preview(of file: URL) throws(PreviewFailure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw PreviewFailure(missing: true, description: "the photo's file is missing or unreadable")
        }
        do {
            var image = try ImageDecoder.decode([UInt8](data), minimumLongestSide: longestSide * 2).image
            if max(image.width, image.height) > longestSide { image = Resampler.downscale(image, longestSide: longestSide) }
            return try ImageEncoder.encodeJPEG(image, quality: jpegQuality)
        } catch let error as ImageDecodeError {
            throw PreviewFailure(missing: false, description: error.reason)
        } catch {
            throw PreviewFailure(missing: false, description: "the photo cannot be converted")
        }
    }

    private func keep(id: String, _ bytes: [UInt8]) {
        guard bytes.count <= cacheBytes else { return }
        cache.withLock { cache in
            guard !cache.entries.contains(where: { $0.id == id }) else { return }
            cache.entries.append((id, bytes))
            cache.bytes += bytes.count
            while cache.bytes > cacheBytes, !cache.entries.isEmpty {
                cache.bytes -= cache.entries.removeFirst().bytes.count
            }
        }
    }

    /// Previews kept now (tests).
    var keptIDs: [String] { cache.withLock { $0.entries.map(\.id) } }
}
