import LoomCore
import LoomStore

/// OpenAI chat JSONL for fine-tuning (not the Batch API's request lines): user content as typed parts with each image embedded as a
/// `data:` URL where its placeholder stood; assistant content as plain text.
final class OpenAIChatSink: SingleFileSink {
    private let context: SinkContext
    let output: JSONLinesFile

    init(_ context: SinkContext) throws {
        self.context = context
        output = try JSONLinesFile(url: context.folder.appendingPathComponent(context.fileName("jsonl")))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try row.media.map { try context.placer.contents($0, lookup: media) }
        try output.append { out in
            var nextImage = 0
            out.append(contentsOf: #"{"messages": ["#.utf8)
            for (index, turn) in row.turns.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                guard turn.role == .user else {
                    out.append(contentsOf: #"{"role": "assistant", "content": "#.utf8)
                    JSONText.appendQuoted(turn.text, to: &out)
                    out.append(0x7D)
                    continue
                }
                out.append(contentsOf: #"{"role": "user", "content": ["#.utf8)
                var written = 0
                for part in InterleavedText.parts(of: turn.text) {
                    // The checker guarantees one placeholder per image; a surplus one has no image to show.
                    if part == .image && nextImage >= images.count { continue }
                    if written > 0 { out.append(contentsOf: ", ".utf8) }
                    written += 1
                    switch part {
                    case .image:
                        let image = images[nextImage]
                        nextImage += 1
                        out.append(contentsOf: #"{"type": "image_url", "image_url": {"url": "data:"#.utf8)
                        out.append(contentsOf: image.medium.mimeType.utf8)
                        out.append(contentsOf: ";base64,".utf8)
                        Base64.append(image.bytes, to: &out)
                        out.append(contentsOf: "\"}}".utf8)
                    case .text(let text):
                        ConversationJSON.appendTextPart(text, to: &out)
                    }
                }
                out.append(contentsOf: "]}".utf8)
            }
            out.append(contentsOf: "]}".utf8)
        }
    }
}
