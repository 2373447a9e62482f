import Foundation
import LoomCore
import LoomStore

/// LLaMA-Factory `sharegpt` formatting: a JSON array of `{"id", "messages": [{"role", "content"}], "images": [...]}`,
/// with as many `<image>` in the messages as paths in `images` (always a list, empty for text-only rows). With
/// `ExportOptions.videos`, every row also has `videos` (a list), and a record about a video opens with one
/// `<video>` for its file instead of an `<image>` per frame; the frames' labels with their times stay as text
/// ("Frame 3 (12.5 s):"), since LLaMA-Factory samples the video again at its own rate and a question may ask about
/// a moment.
final class LlamaFactorySink: SingleFileSink {
    private let context: SinkContext
    let output: JSONArrayFile

    init(_ context: SinkContext) throws {
        self.context = context
        output = try JSONArrayFile(url: context.folder.appendingPathComponent(context.fileName("json")))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        var turns = row.turns
        var images = PlacedImages(paths: [])
        var videos: [String] = []
        if context.options.videos, let video = context.videos[row.sampleID], let first = turns.first {
            videos = [try context.placer.place(video, lookup: media).path]
            turns[0].text = LlamaFactorySink.videoPlaceholder + ImagePrefix.questionKeepingFrameTimes(first.text)
        } else {
            images = try context.placeImages(of: row, media: media)
        }
        try output.append { out in
            // The Loom id: LLaMA-Factory reads only the columns `dataset_info.json` names, and `loom import` and
            // `loom inspect` trace a row back by it.
            out.append(contentsOf: #"{"id": "#.utf8)
            JSONText.appendQuoted(row.id, to: &out)
            out.append(contentsOf: #", "messages": "#.utf8)
            ConversationJSON.appendRoleContent(turns, to: &out)
            out.append(contentsOf: #", "images": "#.utf8)
            images.appendJSONList(to: &out)
            if context.options.videos {
                out.append(contentsOf: #", "videos": "#.utf8)
                ConversationJSON.appendStrings(videos, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// LLaMA-Factory's video token, followed by a line break as `<image>` prefixes are.
    static let videoPlaceholder = "<video>\n"
}

/// `dataset_info.json`: one ready entry per data file, named `NAME` or `NAME_SPLIT`, so a user points
/// `dataset_dir` at the export folder and names the entries in `dataset` / `eval_dataset`. Giving `tags` replaces
/// all of LLaMA-Factory's default tags, so the system tag is named too. No entry sets `split`: a JSON file
/// loads as a single "train" split and any other value fails.
enum LlamaFactoryDatasetInfo {
    static func write(folder: URL, name: String, files: [(split: String?, file: String)], videos: Bool = false) throws {
        var out: [UInt8] = Array("{".utf8)
        for (index, entry) in files.enumerated() {
            out.append(contentsOf: (index == 0 ? "\n  " : ",\n  ").utf8)
            JSONText.appendQuoted(entry.split.map { "\(name)_\($0)" } ?? name, to: &out)
            out.append(contentsOf: ": {\"file_name\": ".utf8)
            JSONText.appendQuoted(entry.file, to: &out)
            out.append(contentsOf: (videos
                ? #", "formatting": "sharegpt", "columns": {"messages": "messages", "images": "images", "videos": "videos"}, "#
                : #", "formatting": "sharegpt", "columns": {"messages": "messages", "images": "images"}, "#).utf8)
            out.append(contentsOf: """
                "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant", "system_tag": "system"}}
                """.utf8)
        }
        out.append(contentsOf: "\n}\n".utf8)
        let file = try ExportFile(url: folder.appendingPathComponent("dataset_info.json"))
        try file.write { $0.append(contentsOf: out) }
        try file.finish()
    }
}
