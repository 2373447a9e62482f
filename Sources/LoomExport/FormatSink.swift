import Foundation
import LoomCore
import LoomStore

/// Looks up a medium by id inside the store read an export streams from.
typealias MediaLookup = (String) throws -> MediaItem?

/// One format's writer for one split: takes records one at a time and completes its files at the end.
///
/// `add` resolves every medium of the record before it writes a byte, so a record whose image cannot be read
/// throws without leaving half an entry behind, and the export goes on with the next record.
protocol FormatSink: AnyObject {
    func add(_ row: ExportRow, media: MediaLookup) throws
    /// Completes the files and returns their paths relative to the export folder.
    func finish() throws -> [String]
    /// Deletes partial files after a failure.
    func abandon()
}

/// What every sink of one export shares.
struct SinkContext {
    let folder: URL
    /// The split this sink writes, when the export is split.
    let split: String?
    let placer: MediaPlacer
    let options: ExportOptions
    /// Whether rows carry their stored in-context links (`ExportRow.inContext`).
    var inContext = false
    /// With `ExportOptions.videos`: each video sample's video medium id, by sample id.
    var videos: [String: String] = [:]

    /// Places the record's images in `images/` (writing each file on first use), in placeholder order; throws
    /// before anything of the record is written when one cannot be placed.
    func placeImages(of row: ExportRow, media: MediaLookup) throws -> PlacedImages {
        if let slots = row.catalogSlots, slots.count == row.media.count {
            for slot in slots { try placer.ensurePlaced(atSlot: slot) }
            return PlacedImages(slots: slots, catalog: placer.catalog)
        }
        return PlacedImages(paths: try row.media.map { try placer.place($0, lookup: media).path })
    }

    /// `data.EXT`, or `SPLIT.EXT` in a split export.
    func fileName(_ fileExtension: String) -> String { "\(split ?? "data").\(fileExtension)" }
}

/// One data file that records are appended to, one element each.
protocol RecordFile: AnyObject {
    var file: ExportFile { get }
    func append(_ body: (inout [UInt8]) -> Void) throws
    /// Completes the file and moves it into place.
    func finish() throws
}

/// A sink that writes a single data file, one element per record.
protocol SingleFileSink: FormatSink {
    associatedtype Output: RecordFile
    var output: Output { get }
    /// The file's path relative to the export folder.
    var outputPath: String { get }
}

extension SingleFileSink {
    var outputPath: String { output.file.url.lastPathComponent }

    func finish() throws -> [String] {
        try output.finish()
        return [outputPath]
    }

    func abandon() { output.file.abandon() }
}

/// A JSON array written one element at a time: `[`, elements separated by `,` and a line break, `]`.
final class JSONArrayFile: RecordFile {
    let file: ExportFile
    private(set) var count = 0

    init(url: URL) throws {
        file = try ExportFile(url: url)
        try file.write("[")
    }

    func append(_ body: (inout [UInt8]) -> Void) throws {
        let first = count == 0
        try file.write { out in
            out.append(contentsOf: (first ? "\n" : ",\n").utf8)
            body(&out)
        }
        count += 1
    }

    func finish() throws {
        try file.write(count == 0 ? "]\n" : "\n]\n")
        try file.finish()
    }
}

/// A JSON Lines file: one element per line.
final class JSONLinesFile: RecordFile {
    let file: ExportFile
    private(set) var count = 0

    init(url: URL) throws {
        file = try ExportFile(url: url)
    }

    func append(_ body: (inout [UInt8]) -> Void) throws {
        try file.write { out in
            body(&out)
            out.append(0x0A)
        }
        count += 1
    }

    func finish() throws {
        try file.finish()
    }
}
