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
    /// Records of this format's kind (single- or multi-image) left out because they carry quality flags.
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
                try file.write { out in
                    out.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8)
                    switch format {
                    case .llava: Self.appendLLaVAEntry(row, imagePath: paths.first, to: &out)
                    case .mantis: Self.appendMantisEntry(row, imagePaths: paths, to: &out)
                    }
                }
                count += 1
            }
            try file.write("\n]\n")
            try file.finish()
        } catch {
            file.abandon()
            throw error
        }
        let flagged = try store.recordCounts(multiImage: format == .mantis).flagged
        return ExportSummary(
            format: format, file: file.url.path, records: count, images: copier.placed, skippedFlagged: flagged)
    }

    /// One LLaVA-1.5 entry: `id`, `image` (omitted for text-only rows), `conversations`.
    static func appendLLaVAEntry(_ row: RunStore.ShareGPTRow, imagePath: String?, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id": "#.utf8)
        JSONText.appendQuoted(row.id, to: &out)
        if let imagePath {
            out.append(contentsOf: #", "image": "#.utf8)
            JSONText.appendQuoted(imagePath, to: &out)
        }
        out.append(contentsOf: #", "conversations": "#.utf8)
        out.append(contentsOf: row.conversation.utf8)
        out.append(0x7D)
    }

    /// One Mantis entry: `id`, `images` (relative to the JSON file), `conversations`.
    static func appendMantisEntry(_ row: RunStore.ShareGPTRow, imagePaths: [String], to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id": "#.utf8)
        JSONText.appendQuoted(row.id, to: &out)
        out.append(contentsOf: #", "images": ["#.utf8)
        for (index, path) in imagePaths.enumerated() {
            if index > 0 { out.append(contentsOf: ", ".utf8) }
            JSONText.appendQuoted(path, to: &out)
        }
        out.append(contentsOf: #"], "conversations": "#.utf8)
        out.append(contentsOf: row.conversation.utf8)
        out.append(0x7D)
    }
}
