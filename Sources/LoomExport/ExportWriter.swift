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

    public init(store: RunStore, runDirectory: URL) {
        self.store = store
        self.runDirectory = runDirectory
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
        var copier = MediaCopier(runDirectory: runDirectory, imagesFolder: images)
        var count = 0
        do {
            try file.write("[")
            try store.forEachRecord(unflaggedOnly: true, multiImage: format == .mantis) { record, media in
                let paths = try record.media.map { try copier.place($0, lookup: media) }
                let entry =
                    switch format {
                    case .llava: Self.llavaEntry(record, imagePath: paths.first)
                    case .mantis: Self.mantisEntry(record, imagePaths: paths)
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

    /// `{"from": "human"|"gpt", "value": …}` turns.
    static func sharegptTurns(_ record: Record) -> String {
        JSONText.array(
            record.turns.map { turn in
                JSONText.object([
                    ("from", JSONText.quoted(turn.role == .user ? "human" : "gpt")), ("value", JSONText.quoted(turn.text)),
                ])
            })
    }

    /// One LLaVA-1.5 entry: `id`, `image` (omitted for text-only rows), `conversations`.
    static func llavaEntry(_ record: Record, imagePath: String?) -> String {
        var members: [(String, String)] = [("id", JSONText.quoted(record.id))]
        if let imagePath { members.append(("image", JSONText.quoted(imagePath))) }
        members.append(("conversations", sharegptTurns(record)))
        return JSONText.object(members)
    }

    /// One Mantis entry: `id`, `images` (relative to the JSON file), `conversations`.
    static func mantisEntry(_ record: Record, imagePaths: [String]) -> String {
        JSONText.object([
            ("id", JSONText.quoted(record.id)), ("images", JSONText.array(imagePaths.map(JSONText.quoted))),
            ("conversations", sharegptTurns(record)),
        ])
    }
}
