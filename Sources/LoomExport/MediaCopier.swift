import Foundation
import LoomCore

/// Copies each medium an export refers to into the export's `images/` folder once, and gives its path
/// relative to the export folder.
struct MediaCopier {
    let runDirectory: URL
    let imagesFolder: URL
    let copyFiles: Bool
    private var known: [String: String] = [:]
    private(set) var placed = 0

    init(runDirectory: URL, imagesFolder: URL, copyFiles: Bool) {
        self.copyFiles = copyFiles
        self.runDirectory = runDirectory
        self.imagesFolder = imagesFolder
    }

    /// The relative path of medium `id` in the export, copying the file on first use.
    mutating func place(_ id: String, lookup: (String) throws -> MediaItem?) throws -> String {
        if let path = known[id] { return path }
        guard let item = try lookup(id) else {
            throw LoomError(.export, "a record refers to medium \(id), which the store does not have")
        }
        // The stored path is relative and '/'-separated; plain string work is much cheaper than URL manipulation.
        let name = item.path.split(separator: "/").last.map(String.init) ?? item.path
        if copyFiles {
            let source = runDirectory.appendingPathComponent(item.path)
            let target = imagesFolder.appendingPathComponent(name)
            try copy(source, to: target)
        }
        placed += 1
        let path = "images/" + name
        known[id] = path
        return path
    }

    private func copy(_ source: URL, to target: URL) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: target.path) {
            do {
                try manager.copyItem(at: source, to: target)
            } catch {
                throw LoomError(.export, "cannot copy \(source.path): \(error.localizedDescription)", subject: target.path)
            }
        }
    }
}
