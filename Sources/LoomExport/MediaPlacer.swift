import Foundation
import LoomCore

/// Puts each medium an export refers to into its `images/` folder (through `MediaFileWriter`), or reads its bytes
/// for formats that embed images, and remembers in the run's `MediaCatalog` how each one was placed.
///
/// It belongs to the export's writing thread. When a `MediaFileStage` places files ahead on its own thread, the
/// placer takes the stage's outcome for the media it reached and writes files only for the others.
final class MediaPlacer {
    /// Set before the export places anything (`refusedMedia`), then only read.
    var files: MediaFileWriter
    /// When false, records refer to `images/…` but no file is written (for runs that drew no images).
    let writeFiles: Bool
    let catalog: MediaCatalog
    /// The stage placing files ahead of this placer, if the export has one.
    var fileStage: MediaFileStage?
    private var placedHere = 0
    private var placedVideosHere = 0
    /// Images read to be embedded.
    private(set) var embedded = 0

    init(runDirectory: URL, imagesFolder: URL, options: ImageOptions, writeFiles: Bool, catalog: MediaCatalog) {
        self.catalog = catalog
        files = MediaFileWriter(runDirectory: runDirectory, imagesFolder: imagesFolder, options: options)
        self.writeFiles = writeFiles
    }

    var options: ImageOptions { files.options }
    /// Image files this export created (read once the stage, if any, has finished).
    var placed: Int { placedHere + (fileStage?.placedImages ?? 0) }
    /// Video files this export created.
    var placedVideos: Int { placedVideosHere + (fileStage?.placedVideos ?? 0) }

    /// The medium placed in `images/`, writing the file on first use.
    func place(_ id: String, lookup: (String) throws -> MediaItem?) throws -> PlacedMedium {
        if let slot = catalog.slot(id), catalog.isPlaced(atSlot: slot) { return files.describe(catalog.item(atSlot: slot)) }
        return try placeFirst(try self.item(id, lookup: lookup), slot: nil)
    }

    /// Places the medium at this catalog position, unless it already is.
    func ensurePlaced(atSlot slot: Int32) throws {
        if catalog.isPlaced(atSlot: slot) { return }
        let item = catalog.item(atSlot: slot)
        switch fileStage?.outcome(atSlot: slot) ?? .notYet {
        case .placed: catalog.recordPlacement(files.describe(item), atSlot: slot)
        case .failed(let reason): throw UnreadableMedium(reason: reason)
        case .notYet: _ = try placeFirst(item, slot: slot)
        }
    }

    /// Writes the file of a medium not placed yet and remembers how it was placed.
    private func placeFirst(_ item: MediaItem, slot: Int32?) throws -> PlacedMedium {
        let medium = files.describe(item)
        if writeFiles, try files.place(item, as: medium) {
            if item.kind == .video { placedVideosHere += 1 } else { placedHere += 1 }
        }
        if let slot { catalog.recordPlacement(medium, atSlot: slot) } else { catalog.recordPlacement(medium) }
        return medium
    }

    /// The medium's bytes, transformed as the options say, for formats that carry images inside their files.
    func contents(_ id: String, lookup: (String) throws -> MediaItem?) throws -> (medium: PlacedMedium, bytes: [UInt8]) {
        let contents = try files.contents(try self.item(id, lookup: lookup))
        embedded += 1
        return contents
    }

    private func item(_ id: String, lookup: (String) throws -> MediaItem?) throws -> MediaItem {
        if let item = catalog.item(id) { return item }
        guard let item = try lookup(id) else { throw UnreadableMedium(reason: "the store has no medium \(id)") }
        return item
    }
}
