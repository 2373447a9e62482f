#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import LoomCore

/// The images in a folder and its subfolders, without annotations.
public struct FolderSource: Sendable {
    /// The image extensions taken when no include pattern is given, compared case-insensitively: what Loom
    /// decodes (JPEG, PNG, WebP, HEIC and the `.hif` Canon and Fujifilm cameras write, AVIF) and formats it cannot
    /// (GIF, TIFF, BMP, JPEG XL, camera RAW), offered still so that the decoder rejects them naming the format,
    /// instead of them silently going missing.
    public static let defaultExtensions: Set<String> = [
        "jpg", "jpeg", "jpe", "jfif", "pjpeg", "pjp", "png", "webp", "gif", "tif", "tiff", "heic", "heif", "hif", "avif", "bmp",
        "jxl", "dng", "cr2", "cr3", "nef", "arw", "raf", "orf", "rw2",
    ]

    /// Folders that file managers and NAS systems fill with their own thumbnails and copies: skipped, like hidden
    /// entries, so that a 160-pixel thumbnail is never taken for (or kept instead of) the photo it shows.
    public static let systemFolders: Set<String> = ["@eaDir", "__MACOSX", "#recycle", "$RECYCLE.BIN", "System Volume Information"]

    /// The video extensions a video folder takes when no include pattern is given.
    public static let videoExtensions: Set<String> = [
        "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "3gp", "flv", "wmv", "ogv",
    ]

    /// `systemFolders` as bytes, as names are read.
    static let systemFolderNames: Set<[UInt8]> = Set(systemFolders.map { Array($0.utf8) })

    public let root: String
    /// The extensions taken when no include pattern is given (lower case).
    public let extensions: Set<String>
    public let include: [String]
    public let exclude: [String]
    private let includeGlobs: [PathGlob]
    private let excludeGlobs: [PathGlob]

    /// A folder source.
    ///
    /// `include` and `exclude` are shell globs matched against the path relative to `root`; see `PathGlob` for the
    /// exact rule. In short: a pattern without `/` matches the file name at any depth (`*.png`); a pattern with a
    /// `/` matches the whole relative path (`raw/*.png`), where `*`, `?` and `[…]` stay within one folder and `**`
    /// crosses folders (`**/cats/*.jpg`, `thumbs/**`). A file is a candidate when it matches some include pattern
    /// (or, with no include patterns, has one of `defaultExtensions`, in any case) and no exclude pattern. An exclude
    /// pattern matching a folder skips the folder.
    public init(root: String, include: [String] = [], exclude: [String] = [], extensions: Set<String> = defaultExtensions) {
        self.root = root
        self.extensions = extensions
        self.include = include
        self.exclude = exclude
        includeGlobs = include.map(PathGlob.init)
        excludeGlobs = exclude.map(PathGlob.init)
    }

    /// "folder photos/", for `SourceItem.origin`.
    public var origin: String { root.hasSuffix("/") ? "folder \(root)" : "folder \(root)/" }

    /// Walks the folder recursively, calling `item` for each candidate file as it is found and `rejected` for each
    /// candidate that cannot be used; only one folder's names are held at a time.
    ///
    /// Order is deterministic: names are sorted bytewise within each folder and each subfolder is walked where its
    /// name falls (depth first). Symbolic links to files and folders are followed; a link back to a folder on the
    /// current path (same device and inode) is reported once, as "symbolic link loop", and not entered. A folder
    /// reached twice through different links is walked twice. Hidden files and folders (names starting with `.`:
    /// `.thumbnails/`, macOS's `._IMG_0001.jpg` resource forks, `.trashed-…` files) and `systemFolders` are not
    /// walked. Dangling links, FIFOs, sockets and devices whose
    /// names make them candidates are rejected with the reason; so are folders that cannot be opened or read.
    /// The walk goes on after every rejection. Zero-byte files are offered (the decoder rejects them).
    ///
    /// Throws `IngestFileError` only when the root itself is missing, not a folder, or cannot be opened, and
    /// rethrows what `item` and `rejected` throw.
    public func scan(item: (SourceItem) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        let rootPath = SourcePath(root)
        let rootInfo: stat
        switch fileStatus(rootPath, followLinks: true) {
        case .failure(let error): throw error.rephrased("folder \(root): \(error.reason)")
        case .success(let info): rootInfo = info
        }
        guard FileKind(mode: rootInfo.st_mode) == .directory else {
            throw IngestFileError("folder \(root): not a folder", kind: .notRegularFile)
        }
        let origin = self.origin

        var stack: [Frame] = []
        switch Frame.open(path: rootPath, relative: [], info: rootInfo) {
        case .failure(let error): throw error.rephrased("folder \(root): \(error.reason)")
        case .success(let frame): stack.append(frame)
        }

        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].next < stack[top].names.count else {
                if let failure = stack[top].readFailure {
                    try rejected(SourceRejection(subject: stack[top].path.display, kind: .unreadableFolder, reason: failure))
                }
                stack.removeLast()
                continue
            }
            let name = stack[top].names[stack[top].next]
            stack[top].next += 1
            let path = stack[top].path.appending(name)
            var relative = stack[top].relative
            if !relative.isEmpty { relative.append(0x2F) }
            relative.append(contentsOf: name)

            let linkInfo: stat
            switch fileStatus(path, followLinks: false) {
            case .failure(let error):
                // Vanished between readdir and lstat, or a parent became unreadable.
                if isCandidate(relative) {
                    try rejected(SourceRejection(subject: path.display, kind: error.kind, reason: error.reason))
                }
                continue
            case .success(let info): linkInfo = info
            }
            var info = linkInfo
            let isLink = FileKind(mode: linkInfo.st_mode) == .symbolicLink
            if isLink {
                switch fileStatus(path, followLinks: true) {
                case .failure(let error):
                    let reason = error == .noSuchFile ? "dangling symbolic link" : error.reason
                    // A link cycle among links themselves (a -> b -> a) is a loop whatever its name.
                    if error.kind == .symlinkLoop || isCandidate(relative) {
                        try rejected(SourceRejection(subject: path.display, kind: error.kind, reason: reason))
                    }
                    continue
                case .success(let target): info = target
                }
            }

            switch FileKind(mode: info.st_mode) {
            case .directory:
                if isExcludedFolder(relative) { continue }
                if let ancestor = stack.first(where: { $0.device == info.st_dev && $0.inode == info.st_ino }) {
                    try rejected(
                        SourceRejection(
                            subject: path.display, kind: .symlinkLoop,
                            reason: "symbolic link loop (leads back to \(ancestor.path.display))"))
                    continue
                }
                switch Frame.open(path: path, relative: relative, info: info) {
                case .failure(let error):
                    // Only this folder is lost: the walk goes on with its siblings.
                    try rejected(
                        SourceRejection(
                            subject: path.display, kind: error.kind == .missingFile ? .missingFile : .unreadableFolder,
                            reason: "cannot open folder: \(error.reason)"))
                case .success(let frame): stack.append(frame)
                }
            case .regular:
                if isCandidate(relative) {
                    try item(SourceItem(path: path, origin: origin))
                }
            case let kind:
                if isCandidate(relative) {
                    let what = kind?.article ?? "an unknown kind of file"
                    try rejected(
                        SourceRejection(subject: path.display, kind: .notRegularFile, reason: "not a regular file (\(what))"))
                }
            }
        }
    }

    /// True when a file at `relative` passes the include and exclude patterns.
    func isCandidate(_ relative: [UInt8]) -> Bool {
        let included: Bool
        if includeGlobs.isEmpty {
            included = FolderSource.hasExtension(relative, in: extensions)
        } else {
            included = includeGlobs.contains { $0.matches(relative) }
        }
        return included && !excludeGlobs.contains { $0.matches(relative) }
    }

    /// True when an exclude pattern matches the folder at `relative` (as `dir` or as `dir/`).
    private func isExcludedFolder(_ relative: [UInt8]) -> Bool {
        excludeGlobs.contains { $0.matches(relative) || $0.matches(relative + [0x2F]) }
    }

    static func hasExtension(_ relative: [UInt8], in extensions: Set<String>) -> Bool {
        guard let dot = relative.lastIndex(of: 0x2E), !relative[dot...].contains(0x2F) else { return false }
        let lowered = relative[(dot + 1)...].map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        return extensions.contains(String(decoding: lowered, as: UTF8.self))
    }
}

/// One folder being walked: its names, sorted, and how far the walk got.
private struct Frame {
    var path: SourcePath
    var relative: [UInt8]
    var device: UInt64
    var inode: UInt64
    var names: [[UInt8]]
    var next = 0
    /// Set when readdir failed part way: the names read so far are walked, then this is reported.
    var readFailure: String?

    static func open(path: SourcePath, relative: [UInt8], info: stat) -> Result<Frame, IngestFileError> {
        guard let directory = path.withCString({ opendir($0) }) else { return .failure(IngestFileError(errno: errno)) }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        var failure: String?
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { failure = "error reading folder: \(IngestFileError(errno: errno).reason)" }
                break
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    Array(UnsafeBufferPointer(start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))))
                }
            }
            // ".", "..", hidden entries and the file managers' own folders (`FolderSource.systemFolders`).
            if name.isEmpty || name[0] == 0x2E || FolderSource.systemFolderNames.contains(name) { continue }
            names.append(name)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        return .success(
            Frame(
                path: path, relative: relative, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), names: names,
                readFailure: failure))
    }
}
