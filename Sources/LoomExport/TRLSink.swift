import LoomCore
import LoomStore

/// Hugging Face TRL's conversational vision format, as JSON Lines: `{"images": [...], "messages": [{"role",
/// "content": [{"type": "image"} | {"type": "text", "text"}]}]}`. Each image part stands where its `<image>`
/// placeholder stood and maps, in order, to the `images` column.
final class TRLSink: SingleFileSink {
    private let context: SinkContext
    let output: JSONLinesFile

    init(_ context: SinkContext) throws {
        self.context = context
        output = try JSONLinesFile(url: context.folder.appendingPathComponent(context.fileName("jsonl")))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try context.placeImages(of: row, media: media)
        try output.append { out in
            out.append(contentsOf: #"{"images": "#.utf8)
            images.appendJSONList(to: &out)
            out.append(contentsOf: #", "messages": ["#.utf8)
            for (index, turn) in row.turns.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: (turn.role == .user ? #"{"role": "user", "content": ["# : #"{"role": "assistant", "content": ["#).utf8)
                var firstPart = true
                InterleavedText.forEachPart(
                    of: turn.text,
                    image: {
                        if !firstPart { out.append(contentsOf: ", ".utf8) }
                        firstPart = false
                        out.append(contentsOf: #"{"type": "image"}"#.utf8)
                    },
                    text: { text in
                        if !firstPart { out.append(contentsOf: ", ".utf8) }
                        firstPart = false
                        ConversationJSON.appendTextPart(utf8: text, to: &out)
                    })
                out.append(contentsOf: "]}".utf8)
            }
            out.append(contentsOf: "]}".utf8)
        }
    }
}
