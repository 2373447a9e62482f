import Foundation
import LoomCore
import LoomIngest
import LoomMedia
import LoomRecipe
import Synchronization

/// Ingests one file on the calling (CPU worker) thread: reads it, identifies it by its bytes, decodes it
/// (orientation applied, alpha flattened), hashes it perceptually and writes the normalized JPEG and the
/// thumbnail. Pure apart from those two files, which are content-addressed and so safe to write again.
struct IngestWorker: Sendable {
    let settings: IngestSettings
    let runDirectory: URL
    /// Ids of images already ingested, so exact copies are not decoded again.
    let known: KnownImages

    static let mediaFolder = SampleWorker.mediaFolder
    static let thumbnailFolder = "thumbnails"

    /// What became of one file.
    enum Outcome: Sendable {
        /// A new image (it may still turn out to be an exact copy of one in flight at the same moment).
        case image(Decoded)
        /// The same bytes as an image already ingested.
        case copy(of: String)
        case rejected(RejectionKind, reason: String)
    }

    struct Decoded: Sendable {
        var id: String
        var format: String
        var width: Int
        var height: Int
        var perceptualHash: UInt64
        var medium: MediaItem
        var thumbnail: String
    }

    func ingest(_ item: SourceItem) -> Outcome {
        let bytes: [UInt8]
        do {
            bytes = try item.path.readAll(maxBytes: settings.maxFileMegabytes << 20)
        } catch let error as IngestFileError {
            return .rejected(error.kind, reason: error.reason)
        } catch {
            return .rejected(.unreadableFile, reason: "\(error)")
        }
        let id = StableID.sha256Hex(bytes)
        if known.contains(id) { return .copy(of: id) }
        do {
            // DCT scaling straight to 1.5–3× the target (1600 px → 800 px for a 512 target): the IDCT at half
            // size costs a fraction of a full decode, and the area filter takes it the rest of the way.
            let (info, image) = try ImageDecoder.decode(
                bytes, maxPixels: settings.maxMegapixels * 1_000_000, minimumLongestSide: settings.longestSide * 3 / 2)
            let normalized = Resampler.downscale(image, longestSide: settings.longestSide)
            let thumbnail = Resampler.downscale(normalized, longestSide: settings.thumbnailSide)
            let mediumPath = "\(Self.mediaFolder)/\(id).jpg"
            let thumbnailPath = "\(Self.thumbnailFolder)/\(id).jpg"
            try write(try ImageEncoder.encodeJPEG(normalized, quality: settings.jpegQuality), to: mediumPath)
            try write(try ImageEncoder.encodeJPEG(thumbnail, quality: settings.jpegQuality), to: thumbnailPath)
            let medium = MediaItem(
                id: id, kind: .image, path: mediumPath, format: "jpeg", width: normalized.width, height: normalized.height)
            return .image(Decoded(
                id: id, format: info.format.rawValue, width: info.width, height: info.height,
                perceptualHash: PerceptualHash.hash(normalized), medium: medium, thumbnail: thumbnailPath))
        } catch let error as ImageDecodeError {
            return .rejected(error.kind, reason: error.reason)
        } catch let error as LoomError {
            return .rejected(.cannotWrite, reason: error.description)
        } catch {
            return .rejected(.corruptImage, reason: "\(error)")
        }
    }

    private func write(_ bytes: [UInt8], to relative: String) throws {
        let url = runDirectory.appendingPathComponent(relative)
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw LoomError(.io, "cannot write: \(FileErrors.reason(error))", subject: url.path)
        }
    }
}

/// The ids of images ingested so far, shared by the workers.
final class KnownImages: Sendable {
    private let ids = Mutex<Set<String>>([])

    func contains(_ id: String) -> Bool { ids.withLock { $0.contains(id) } }
    func insert(_ id: String) { _ = ids.withLock { $0.insert(id) } }
}
