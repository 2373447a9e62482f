import Foundation
import LoomCore
import LoomIngest
import LoomMedia
import LoomRecipe
import Synchronization

/// Ingests one file on the calling (CPU worker) thread: reads it, identifies it by its bytes, decodes it
/// (orientation applied, alpha flattened), reads its text when OCR is on, hashes it perceptually and writes the
/// normalized JPEG and the thumbnail. Pure apart from those two files, which are content-addressed and so safe to
/// write again.
struct IngestWorker: Sendable {
    let settings: IngestSettings
    let runDirectory: URL
    /// Ids of images already ingested, so exact copies are not decoded again.
    let known: KnownImages
    /// Reads text lines when `stages.ingest.ocr` is on.
    let textReader: IngestTextReader?

    init(settings: IngestSettings, runDirectory: URL, known: KnownImages) {
        self.settings = settings
        self.runDirectory = runDirectory
        self.known = known
        textReader = settings.ocr ? IngestTextReader(settings: settings) : nil
    }

    static let mediaFolder = SampleWorker.mediaFolder
    static let thumbnailFolder = "thumbnails"

    /// What became of one file.
    enum Outcome: Sendable {
        /// A new image (it may still turn out to be an exact copy of one in flight at the same moment).
        case image(Decoded)
        /// The same bytes as an image already ingested.
        case copy(of: String)
        case rejected(RejectionKind, reason: String)

        /// The image the file is, unless it was rejected.
        var imageID: String? {
            switch self {
            case .image(let decoded): decoded.id
            case .copy(let id): id
            case .rejected: nil
            }
        }
    }

    struct Decoded: Sendable {
        var id: String
        var format: String
        var width: Int
        var height: Int
        var perceptualHash: UInt64
        var medium: MediaItem
        var thumbnail: String
        /// What OCR read, in the original's displayed pixels; nil when it did not run.
        var text: [TextLine]?
        /// Why OCR could not read the image, which was ingested without text.
        var textProblem: String?
        /// The source's boxes in the displayed frame, when they had to change (`reconcile`); nil keeps them.
        var objects: [AnnotatedObject]? = nil
        /// What was done to the boxes, and why.
        var boxNote: (kind: RejectionKind, reason: String)? = nil
    }

    /// The boxes of `item`, checked against the decoded image when the source says what size they were drawn on:
    /// unchanged when that is the displayed size; turned with the EXIF orientation when it is the stored size of
    /// an image shown turned (the boxes were drawn on the stored pixels); left out when it is neither, since
    /// every question about them would be wrong.
    static func reconcile(_ item: SourceItem, _ info: ImageInfo) -> (objects: [AnnotatedObject], note: (kind: RejectionKind, reason: String))? {
        reconcile(
            item, displayed: (info.width, info.height), stored: (info.storedWidth, info.storedHeight), orientation: info.orientation)
    }

    /// `reconcile(_:_:)` with the image's sizes and orientation given apart.
    static func reconcile(
        _ item: SourceItem, displayed: (width: Int, height: Int), stored: (width: Int, height: Int), orientation: Int
    ) -> (objects: [AnnotatedObject], note: (kind: RejectionKind, reason: String))? {
        let objects = item.annotations.objects
        guard !objects.isEmpty else { return nil }
        guard let width = item.annotatedWidth, let height = item.annotatedHeight, width > 0, height > 0 else {
            return checkBounds(objects, displayed: displayed)
        }
        func near(_ a: Double, _ b: Int) -> Bool { abs(a - Double(b)) <= 1 }
        if near(width, displayed.width) && near(height, displayed.height) { return nil }
        let annotated = "\(BoxText.number(width))×\(BoxText.number(height))"
        if orientation != 1, near(width, stored.width), near(height, stored.height) {
            let turned = objects.map { object in
                var object = object
                object.box = object.box.displayed(
                    orientation: orientation, storedWidth: Double(stored.width), storedHeight: Double(stored.height))
                return object
            }
            return (turned, (.boxesTurned,
                "annotated as \(annotated), the stored size of an image shown \(displayed.width)×\(displayed.height) (EXIF orientation \(orientation)): its \(objects.count) boxes were turned with it"))
        }
        return ([], (.annotatedSizeMismatch,
            "annotated as \(annotated) but the image is \(displayed.width)×\(displayed.height): its \(objects.count) boxes are left out (boxes made on another copy of the image?)"))
    }

    /// Boxes from a source that gives no image size (a manifest), checked against the decoded image: boxes that
    /// all lie within 0–1 are normalized ones (YOLO's habit), and boxes that leave the image were given in another
    /// form (corners for width and height) or for another copy; either way questions about them would be wrong,
    /// so they are left out with a note.
    static func checkBounds(
        _ objects: [AnnotatedObject], displayed: (width: Int, height: Int)
    ) -> (objects: [AnnotatedObject], note: (kind: RejectionKind, reason: String))? {
        let (width, height) = (Double(displayed.width), Double(displayed.height))
        let normalized = objects.allSatisfy { $0.box.x + $0.box.width <= 1 && $0.box.y + $0.box.height <= 1 }
        if normalized, max(width, height) > 8 {
            return ([], (.boxOutsideImage,
                "all \(objects.count) boxes lie within 0–1 on a \(displayed.width)×\(displayed.height) image: they look normalized, and Loom reads boxes in pixels ([x, y, width, height]); left out"))
        }
        // A pixel of slack for boxes rounded outward.
        let inside = objects.filter { object in
            let box = object.box
            return box.x >= -1 && box.y >= -1 && box.x + box.width <= width + 1 && box.y + box.height <= height + 1
        }
        guard inside.count < objects.count else { return nil }
        return (inside, (.boxOutsideImage,
            "\(objects.count - inside.count) of \(objects.count) boxes reach outside the \(displayed.width)×\(displayed.height) image (boxes are [x, y, width, height] in pixels); left out"))
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
            // Text the source already gives (a manifest's `ocr`) is kept and not read again.
            let textReader = item.annotations.text.isEmpty ? textReader : nil
            // DCT scaling straight to 1.5–3× the target (1600 px → 800 px for a 512 target): the IDCT at half
            // size costs a fraction of a full decode, and the area filter takes it the rest of the way. OCR needs
            // more pixels than the normalized image has, so then the decode keeps at least its size.
            var minimumSide = settings.longestSide * 3 / 2
            if textReader != nil { minimumSide = max(minimumSide, IngestTextReader.longestSide) }
            // The colour profile is applied to the normalized image, a fraction of the decoded pixels.
            let (info, decoded) = try ImageDecoder.decode(
                bytes, maxPixels: settings.maxMegapixels * 1_000_000, minimumLongestSide: minimumSide, colorProfile: .leaveToCaller)
            var image = decoded
            var text: [TextLine]?
            var textProblem: String?
            if let textReader {
                image = Resampler.downscale(image, longestSide: IngestTextReader.longestSide, original: (info.width, info.height))
                do {
                    text = try textReader.lines(in: image, originalWidth: info.width, originalHeight: info.height)
                } catch {
                    textProblem = "\(error)"
                }
            }
            var normalized = Resampler.downscale(image, longestSide: settings.longestSide, original: (info.width, info.height))
            if let profile = info.colorProfile { ColorProfile.convertToSRGB(&normalized, from: profile) }
            let thumbnail = Resampler.downscale(normalized, longestSide: settings.thumbnailSide)
            let mediumPath = "\(Self.mediaFolder)/\(id).jpg"
            let thumbnailPath = "\(Self.thumbnailFolder)/\(id).jpg"
            try ContentFile.writeOnce(
                try ImageEncoder.encodeJPEG(normalized, quality: settings.jpegQuality), to: runDirectory.appendingPathComponent(mediumPath),
                what: "normalized image")
            try ContentFile.writeOnce(
                try ImageEncoder.encodeJPEG(thumbnail, quality: settings.jpegQuality), to: runDirectory.appendingPathComponent(thumbnailPath),
                what: "thumbnail")
            let medium = MediaItem(
                id: id, kind: .image, path: mediumPath, format: "jpeg", width: normalized.width, height: normalized.height)
            let boxes = Self.reconcile(item, info)
            return .image(Decoded(
                id: id, format: info.format.rawValue, width: info.width, height: info.height,
                perceptualHash: PerceptualHash.hash(normalized), medium: medium, thumbnail: thumbnailPath,
                text: text, textProblem: textProblem, objects: boxes?.objects, boxNote: boxes?.note))
        } catch let error as ImageDecodeError {
            return .rejected(error.kind, reason: error.reason)
        } catch let error as LoomError {
            return .rejected(.cannotWrite, reason: error.description)
        } catch {
            return .rejected(.corruptImage, reason: "\(error)")
        }
    }
}

/// The ids of images ingested so far, shared by the workers.
final class KnownImages: Sendable {
    private let ids = Mutex<Set<String>>([])

    func contains(_ id: String) -> Bool { ids.withLock { $0.contains(id) } }
    func insert(_ id: String) { _ = ids.withLock { $0.insert(id) } }
}
