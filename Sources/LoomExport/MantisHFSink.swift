import LoomCore
import LoomStore

/// Mantis in its Hugging Face form, as JSON Lines: `{"id", "images": [{"bytes": null, "path"}],
/// "conversation": [{"role", "content"}]}`. `datasets` reads `images` as a list of `{bytes, path}` structs, the
/// shape of its `Image` feature, so `cast_column("images", Sequence(Image()))` turns them into images; `Image`
/// opens a relative path from the working directory, so cast from the export folder.
final class MantisHFSink: SingleFileSink {
    private let context: SinkContext
    let output: JSONLinesFile

    /// Text-only rows wait for the first row with images (`ImageRowFirst`).
    private var order = ImageRowFirst()

    init(_ context: SinkContext) throws {
        self.context = context
        output = try JSONLinesFile(url: context.folder.appendingPathComponent(context.fileName("jsonl")))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try context.placeImages(of: row, media: media)
        try order.add(hasImages: !row.media.isEmpty, to: output) { out in
            out.append(contentsOf: #"{"id": "#.utf8)
            JSONText.appendQuoted(row.id, to: &out)
            out.append(contentsOf: #", "images": ["#.utf8)
            images.forEachQuotedPath(to: &out) { index, out in
                out.append(contentsOf: (index == 0 ? #"{"bytes": null, "path": "# : #"}, {"bytes": null, "path": "#).utf8)
            }
            out.append(contentsOf: (images.isEmpty ? #"], "conversation": "# : #"}], "conversation": "#).utf8)
            ConversationJSON.appendRoleContent(row.turns, to: &out)
            out.append(0x7D)
        }
    }

    func finish() throws -> [String] {
        try order.finish(output)
        try output.finish()
        return [outputPath]
    }
}
