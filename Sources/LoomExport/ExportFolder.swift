import Foundation
import LoomCore

/// A folder an export writes into, and what marks it as Loom's.
///
/// The marker file (`.loom-export`) says that Loom made the folder, so that a later export may clear it. Its first
/// line says whether the export there finished (`finishedHeader`) or is under way, or was interrupted
/// (`underWayHeader`); the lines after it list the files an export wrote, or may have left:
///
/// 1. `init(claiming:)` locks the folder (one export at a time, in this process or another), reads the list of the
///    export before (for an export that was interrupted, every file but those its claim found there, and any
///    partial file), marks the folder under way with that list still in it (so that a kill in the next step loses
///    nothing to remove), removes the files listed and the `images/` folder, then marks it under way with the list
///    of what the folder holds now.
/// 2. The export writes its files.
/// 3. `finish(files:)` writes the finished header and the list.
///
/// A marker of an earlier Loom holds the finished header alone: its export's files are unknown (they are
/// replaced when the next export writes the same names).
///
/// So a folder never holds a previous export's data file beside this export's images, nor files an export with
/// other splits or shards left behind. Files the folder held that no export listed are left alone.
final class ExportFolder {
    let url: URL
    /// The open folder, kept for its lock until the export ends.
    private let descriptor: Int32

    static let markerName = ".loom-export"
    private static let finishedHeader = "written by loom export"
    private static let underWayHeader = "loom export under way"
    /// Starts the list, in a marker under way, of what the folder held before the export began; each entry is a
    /// line `= PATH`.
    private static let presentHeader = "present before this export:"
    private static let presentPrefix = "= "

    /// Locks `url` for an export and clears what an earlier export wrote there.
    ///
    /// An `images/` folder there that no Loom export made is never touched: the claim fails and says so.
    /// - Parameter images: whether to make a fresh, empty `images/` for this export.
    init(claiming url: URL, images: Bool) throws {
        self.url = url
        try Self.makeFolder(url)
        descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LoomError(.export, "cannot open the export folder: \(String(cString: strerror(errno)))", subject: url.path)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw LoomError(
                .export, "another export is writing into this folder now; wait for it, or export into another folder",
                subject: url.path)
        }
        do {
            try clear(images: images)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Keeps the folder locked until here (an export's error path calls it after abandoning its partial files,
    /// so that no other export claims the folder in between).
    func release() { withExtendedLifetime(self) {} }

    deinit { close(descriptor) }

    private var marker: URL { url.appendingPathComponent(Self.markerName) }
    private var imagesFolder: URL { url.appendingPathComponent("images") }

    private func clear(images: Bool) throws {
        let manager = FileManager.default
        let previous = Self.listedFiles(in: url)
        if manager.fileExists(atPath: imagesFolder.path) && previous == nil {
            throw LoomError(
                .export, "this folder has an images/ folder that Loom did not write; export into an empty or new folder",
                subject: url.path)
        }
        var toRemove = previous?.files ?? []
        if let previous, !previous.finished {
            // An export that was interrupted after its claim: its files are not listed (the list is written when it
            // finishes), but its claim listed what the folder held before it; anything else is the export's, as
            // are partial files.
            toRemove += filesOfTheFolder().filter { file in
                Self.isPartial(file) || previous.present.map { !$0.contains(file) } ?? false
            }
        }
        // From here on the folder says "under way" until `finish`; the old list stays until its files are gone.
        try write(lines: [Self.underWayHeader] + toRemove)
        for file in toRemove {
            guard Self.isPlainRelativePath(file) else { continue }
            let listed = url.appendingPathComponent(file)
            do {
                if manager.fileExists(atPath: listed.path) { try manager.removeItem(at: listed) }
            } catch {
                throw LoomError(.export, "cannot remove a file of an earlier export: \(error.localizedDescription)", subject: listed.path)
            }
            // A split's subfolder (MIMIC-IT) goes when the export emptied it.
            let parent = listed.deletingLastPathComponent()
            if parent.standardizedFileURL.path != url.standardizedFileURL.path,
                (try? manager.contentsOfDirectory(atPath: parent.path).isEmpty) == true
            {
                try? manager.removeItem(at: parent)
            }
        }
        if manager.fileExists(atPath: imagesFolder.path) {
            do {
                try manager.removeItem(at: imagesFolder)
            } catch {
                throw LoomError(.export, "cannot clear the images of an earlier export: \(error.localizedDescription)", subject: imagesFolder.path)
            }
        }
        // What the folder holds before the export writes anything: the next claim, if this export is interrupted,
        // removes the rest.
        try write(lines: [Self.underWayHeader, Self.presentHeader] + filesOfTheFolder().map { Self.presentPrefix + $0 })
        if images { try Self.makeFolder(imagesFolder) }
    }

    /// The files under the folder, as relative paths, `images/` and the marker left out.
    private func filesOfTheFolder() -> [String] {
        guard let walk = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        else { return [] }
        let root = url.standardizedFileURL.path + "/"
        var files: [String] = []
        for case let file as URL in walk {
            let path = file.standardizedFileURL.path
            guard path.hasPrefix(root) else { continue }
            let relative = String(path.dropFirst(root.count))
            if relative == "images" { walk.skipDescendants(); continue }
            guard relative != Self.markerName, (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            files.append(relative)
        }
        return files.sorted()
    }

    /// A partial file an interrupted write left (`ExportFile`, `TarArchive`: `.NAME.partial`).
    private static func isPartial(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasPrefix(".") && name.hasSuffix(".partial")
    }

    /// Records the files the export wrote (relative to the folder): from now on the folder holds a finished export.
    func finish(files: [String]) throws {
        try write(lines: [Self.finishedHeader] + files)
    }

    /// What the marker in `folder` says: whether the export there finished, the files it lists (written, or left
    /// to remove), and, for an export under way, what the folder held before it (nil when the marker does not
    /// say: an older Loom's); nil when the folder holds no marker (not Loom's).
    static func listedFiles(in folder: URL) -> (finished: Bool, files: [String], present: Set<String>?)? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(markerName).path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        let body = lines.dropFirst()
        guard let split = body.firstIndex(of: presentHeader) else { return (lines.first == finishedHeader, Array(body), nil) }
        let present = body[body.index(after: split)...].filter { $0.hasPrefix(presentPrefix) }.map { String($0.dropFirst(presentPrefix.count)) }
        return (lines.first == finishedHeader, Array(body[..<split]), Set(present))
    }

    /// Whether `folder` holds a finished export whose listed files are all there.
    static func holdsFinishedExport(_ folder: URL) -> Bool {
        guard let listed = listedFiles(in: folder), listed.finished else { return false }
        return listed.files.allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// A path inside the folder: relative, without `..`. A marker edited by hand must not make an export delete
    /// files elsewhere.
    private static func isPlainRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
            && path.split(separator: "/").first != "images"
    }

    /// Replaces the marker: written beside it and renamed over it, with plain POSIX calls (Foundation's writes wait
    /// for the disk, 5–10 ms at the start of every export). Never through a symbolic link.
    private func write(lines: [String]) throws {
        func failure(_ reason: String) -> LoomError {
            LoomError(.export, "cannot write in the export folder: \(reason)", subject: marker.path)
        }
        let partial = url.appendingPathComponent(Self.markerName + ".partial")
        let file = open(partial.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard file >= 0 else { throw failure(String(cString: strerror(errno))) }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        var written = 0
        while written < text.count {
            let count = text.withUnsafeBytes { Foundation.write(file, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count < 0 ? String(cString: strerror(errno)) : "nothing was written"
                close(file)
                throw failure(reason)
            }
            written += count
        }
        close(file)
        guard rename(partial.path, marker.path) == 0 else { throw failure(String(cString: strerror(errno))) }
    }

    static func makeFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw LoomError(.export, "cannot create the export folder: \(FileErrorReason.reason(creating: url, error: error))", subject: url.path)
        }
    }
}
