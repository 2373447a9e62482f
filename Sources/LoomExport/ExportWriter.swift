import Foundation
import LoomCore
import LoomStore

/// The training formats `loom export` writes.
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// LLaVA-1.5 JSON: single-image records.
    case llava
    /// Mantis local JSON: multi-image records.
    case mantis
}

/// What an export wrote.
public struct ExportSummary: Sendable, Codable, Hashable {
    public var format: ExportFormat
    public var file: String
    public var records: Int
    public var images: Int
    /// Records left out because they carry quality flags.
    public var skippedFlagged: Int
}

/// Writes one training format from a run store, streaming records one at a time.
public struct ExportWriter: Sendable {
    public let store: RunStore
    /// The run directory the store's media paths are relative to.
    public let runDirectory: URL
    /// When false, records refer to `images/…` but no file is copied (for runs that drew no images).
    public let copyImages: Bool

    public init(store: RunStore, runDirectory: URL, copyImages: Bool = true) {
        self.store = store
        self.runDirectory = runDirectory
        self.copyImages = copyImages
    }

    /// Writes `format` into `folder` (`data.json` and `images/`). Records with quality flags are left out.
    public func export(_ format: ExportFormat, to folder: URL) throws -> ExportSummary {
        let images = folder.appendingPathComponent("images")
        do {
            try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        } catch {
            throw LoomError(.export, "cannot create the export folder: \(error.localizedDescription)", subject: folder.path)
        }
        let file = try ExportFile(url: folder.appendingPathComponent("data.json"))
        var copier = MediaCopier(runDirectory: runDirectory, imagesFolder: images, copyFiles: copyImages)
        var count = 0
        do {
            try file.write("[")
            try store.forEachShareGPTRow(unflaggedOnly: true, multiImage: format == .mantis) { row, media in
                let paths = try row.media.map { try copier.place($0, lookup: media) }
                let entry =
                    switch format {
                    case .llava: Self.llavaEntry(row, imagePath: paths.first)
                    case .mantis: Self.mantisEntry(row, imagePaths: paths)
                    }
                try file.write((count == 0 ? "\n" : ",\n") + entry)
                count += 1
            }
            try file.write("\n]\n")
            try file.finish()
        } catch {
            file.abandon()
            throw error
        }
        let flagged = try store.recordCounts().flagged
        return ExportSummary(
            format: format, file: file.url.path, records: count, images: copier.placed, skippedFlagged: flagged)
    }

    /// One LLaVA-1.5 entry: `id`, `image` (omitted for text-only rows), `conversations`.
    static func llavaEntry(_ row: RunStore.ShareGPTRow, imagePath: String?) -> String {
        var members: [(String, String)] = [("id", JSONText.quoted(row.id))]
        if let imagePath { members.append(("image", JSONText.quoted(imagePath))) }
        members.append(("conversations", row.conversation))
        return JSONText.object(members)
    }

    /// One Mantis entry: `id`, `images` (relative to the JSON file), `conversations`.
    static func mantisEntry(_ row: RunStore.ShareGPTRow, imagePaths: [String]) -> String {
        JSONText.object([
            ("id", JSONText.quoted(row.id)), ("images", JSONText.array(imagePaths.map(JSONText.quoted))),
            ("conversations", row.conversation),
        ])
    }
}
