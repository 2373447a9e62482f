import LoomCore
import LoomStore

/// LLaVA-1.5 JSON: `{"id", "image", "conversations": [{"from", "value"}]}`; `image` omitted for text-only rows.
final class LLaVASink: SingleFileSink {
    private let context: SinkContext
    let output: JSONArrayFile

    init(_ context: SinkContext) throws {
        self.context = context
        output = try JSONArrayFile(url: context.folder.appendingPathComponent(context.fileName("json")))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try context.placeImages(of: row, media: media)
        try output.append { out in
            out.append(contentsOf: #"{"id": "#.utf8)
            JSONText.appendQuoted(row.id, to: &out)
            if !images.isEmpty {
                out.append(contentsOf: #", "image": "#.utf8)
                images.appendQuotedPath(0, to: &out)
            }
            out.append(contentsOf: #", "conversations": "#.utf8)
            ConversationJSON.appendShareGPT(of: row, to: &out)
            out.append(0x7D)
        }
    }
}
