import Foundation
import LoomCore
import LoomMedia

/// A medium a record needs but that cannot be read or converted: the record is left out, the export goes on.
struct UnreadableMedium: Error {
    var reason: String
}

/// One medium as an export refers to it.
struct PlacedMedium {
    var id: String
    /// The path relative to the export folder (`images/…`), or the file name inside the images table or shard.
    var path: String
    /// "png" or "jpeg".
    var format: String

    var mimeType: String { format == "jpeg" ? "image/jpeg" : "image/\(format)" }
    var fileExtension: String { format == "jpeg" ? "jpg" : format }
}

/// Names media in an export and writes their files into its `images/` (or `videos/`) folder: copied,
/// hard-linked or symlinked, resized or re-encoded as the options say.
///
/// It keeps no state of its own, so the thread that writes records and the thread that places files
/// (`MediaFileStage`) may both use it; a file the other one wrote first is left as it is.
struct MediaFileWriter: Sendable {
    let options: ImageOptions
    /// Paths as plain strings: building `URL`s for every medium cost more than linking the file.
    private let runPath: String
    private let imagesPath: String
    /// Where video files go (`videos/` beside `images/`), created on first use.
    private let videosPath: String
    /// Media not to carry, with the reason (`KeptMediaCheck`): a record that needs one is left out.
    var refusedMedia: [String: String] = [:]

    init(runDirectory: URL, imagesFolder: URL, options: ImageOptions) {
        runPath = runDirectory.standardizedFileURL.path
        imagesPath = imagesFolder.path
        videosPath = imagesFolder.deletingLastPathComponent().appendingPathComponent("videos").path
        self.options = options
    }

    /// The exported name and format: the stored file's name, with the extension of the re-encoded format. A video
    /// keeps its file as it is, under `videos/`.
    func describe(_ item: MediaItem) -> PlacedMedium {
        // The stored path is relative and '/'-separated; plain string work is much cheaper than URL manipulation.
        let name = item.path.utf8.lastIndex(of: 0x2F).map { String(Substring(item.path.utf8[item.path.utf8.index(after: $0)...])) } ?? item.path
        if item.kind == .video { return PlacedMedium(id: item.id, path: "videos/" + name, format: item.format) }
        let format = options.encoding?.rawValue
            ?? (Self.trainersCannotOpen(item.format) || (options.maxSide != nil && item.format != "png") ? "jpeg" : item.format)
        var medium = PlacedMedium(id: item.id, path: "", format: format)
        let stem = name.utf8.firstIndex(of: 0x2E).map { String(Substring(name.utf8[..<$0])) } ?? name
        medium.path = "images/" + (format == item.format ? name : stem + "." + medium.fileExtension)
        return medium
    }

    /// Writes the medium's file under the export folder unless it is already there; true when it was written now.
    func place(_ item: MediaItem, as medium: PlacedMedium) throws -> Bool {
        if !refusedMedia.isEmpty, let reason = refusedMedia[item.id] { throw UnreadableMedium(reason: reason) }
        if item.kind == .video {
            // mkdir is idempotent enough here: videos are few, and EEXIST means another video made the folder.
            if mkdir(videosPath, 0o755) != 0 && errno != EEXIST {
                throw LoomError(.export, "cannot create the videos folder: \(String(cString: strerror(errno)))", subject: videosPath)
            }
            return try write(item, to: videosPath + medium.path.dropFirst("videos".count))
        }
        return try write(item, to: imagesPath + medium.path.dropFirst("images".count))
    }

    /// The medium's bytes, transformed as the options say, for formats that carry images inside their files.
    func contents(_ item: MediaItem) throws -> (medium: PlacedMedium, bytes: [UInt8]) {
        if !refusedMedia.isEmpty, let reason = refusedMedia[item.id] { throw UnreadableMedium(reason: reason) }
        let source = sourcePath(item)
        let bytes = try Self.read(source)
        let medium = describe(item)
        return (medium, converts(item) ? try transform(bytes, to: medium.format, source: source) : bytes)
    }

    /// Whether the medium's file is decoded and encoded again, not carried as it is.
    private func converts(_ item: MediaItem) -> Bool {
        item.kind != .video && (options.transforms || Self.trainersCannotOpen(item.format))
    }

    /// Formats the trainers' loaders cannot open (they open images with Pillow, which reads HEIC only with a
    /// plug-in, and OpenAI takes JPEG, PNG, WebP and GIF): an imported iPhone photo is exported as JPEG.
    static func trainersCannotOpen(_ format: String) -> Bool {
        format == "heif" || format == "heic" || format == "avif"
    }

    private func sourcePath(_ item: MediaItem) -> String { runPath + "/" + item.path }

    /// Writes the file unless it is already there; true when it was written now.
    private func write(_ item: MediaItem, to target: String) throws -> Bool {
        let source = sourcePath(item)
        if converts(item) {
            let bytes = try transform(try Self.read(source), to: describe(item).format, source: source)
            // O_EXCL: a file an earlier export of the same folder placed is kept.
            let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor < 0 && errno == EEXIST { return false }
            guard descriptor >= 0 else { throw Self.failure("create", source: source, target: target) }
            defer { close(descriptor) }
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw Self.failure("write", source: source, target: target) }
            return true
        }
        let result: Int32
        switch options.placement {
        case .symlink:
            result = symlink(source, target)
            if result != 0 && errno != EEXIST && access(source, F_OK) != 0 {
                throw UnreadableMedium(reason: "\(source): the image file is missing")
            }
        case .hardlink:
            result = link(source, target)
            if result != 0 && errno == ENOENT { throw UnreadableMedium(reason: "\(source): the image file is missing") }
            // Across filesystems (EXDEV), where links are not allowed, or past an inode's link limit, a copy still
            // gives a working export.
            if result != 0 && (errno == EXDEV || errno == EPERM || errno == EMLINK) { return try copy(source, to: target) }
        case .copy:
            return try copy(source, to: target)
        }
        if result == 0 { return true }
        if errno == EEXIST { return false }
        throw Self.failure(options.placement.rawValue, source: source, target: target)
    }

    private func copy(_ source: String, to target: String) throws -> Bool {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: target)
        } catch {
            if FileManager.default.fileExists(atPath: target) { return false }
            if !FileManager.default.fileExists(atPath: source) {
                throw UnreadableMedium(reason: "\(source): the image file is missing")
            }
            throw LoomError(.export, "cannot copy \(source): \(error.localizedDescription)", subject: target)
        }
        return true
    }

    private static func failure(_ action: String, source: String, target: String) -> LoomError {
        LoomError(.export, "cannot \(action) \(source): \(String(cString: strerror(errno)))", subject: target)
    }

    private static func read(_ source: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw UnreadableMedium(reason: "\(source): the image file is missing or unreadable")
        }
        return [UInt8](data)
    }

    /// Decodes, downscales to `maxSide` and encodes in the target format.
    private func transform(_ bytes: [UInt8], to format: String, source: String) throws -> [UInt8] {
        do {
            var image = try ImageDecoder.decode(bytes, minimumLongestSide: options.maxSide.map { $0 * 2 }).image
            if let maxSide = options.maxSide { image = Resampler.downscale(image, longestSide: maxSide) }
            return format == "png"
                ? try ImageEncoder.encodePNG(image) : try ImageEncoder.encodeJPEG(image, quality: options.jpegQuality)
        } catch let error as ImageDecodeError {
            throw UnreadableMedium(reason: "\(source): cannot convert the image: \(error.reason)")
        } catch let error as LoomError {
            throw UnreadableMedium(reason: "\(source): cannot convert the image: \(error.message)")
        }
    }
}
