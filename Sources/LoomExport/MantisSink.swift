import LoomCore
import LoomStore

/// Mantis local JSON: `{"id", "images": [paths relative to the JSON file], "conversations": [{"from", "value"}]}`
/// with one `<image>` per image, in order.
final class MantisSink: SingleFileSink {
    private let context: SinkContext
    let output: JSONArrayFile

    /// Text-only rows wait for the first row with images (`ImageRowFirst`).
    private var order = ImageRowFirst()

    init(_ context: SinkContext) throws {
        self.context = context
        output = try JSONArrayFile(url: context.folder.appendingPathComponent(context.fileName("json")))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try context.placeImages(of: row, media: media)
        try order.add(hasImages: !row.media.isEmpty, to: output) { out in
            out.append(contentsOf: #"{"id": "#.utf8)
            JSONText.appendQuoted(row.id, to: &out)
            out.append(contentsOf: #", "images": "#.utf8)
            images.appendJSONList(to: &out)
            out.append(contentsOf: #", "conversations": "#.utf8)
            ConversationJSON.appendShareGPT(of: row, to: &out)
            out.append(0x7D)
        }
    }

    func finish() throws -> [String] {
        try order.finish(output)
        try output.finish()
        return [outputPath]
    }
}
