import Foundation
import LoomCore
import LoomStore

/// A Hugging Face dataset folder: `data/<split>.jsonl` (`train` when not split) and the shared `images/`; the
/// `README.md` card is written once for all splits by `DatasetCardWriter`.
final class HFFolderSink: SingleFileSink {
    private let context: SinkContext
    let output: JSONLinesFile
    private let tally: DatasetTally

    init(_ context: SinkContext, tally: DatasetTally) throws {
        self.context = context
        self.tally = tally
        let data = context.folder.appendingPathComponent("data")
        do {
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        } catch {
            throw LoomError(.export, "cannot create the folder: \(error.localizedDescription)", subject: data.path)
        }
        output = try JSONLinesFile(url: data.appendingPathComponent("\(context.split ?? "train").jsonl"))
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try context.placeImages(of: row, media: media)
        try output.append { out in
            out.append(contentsOf: #"{"id": "#.utf8)
            JSONText.appendQuoted(row.id, to: &out)
            out.append(contentsOf: #", "images": "#.utf8)
            images.appendJSONList(to: &out)
            out.append(contentsOf: #", "messages": "#.utf8)
            ConversationJSON.appendRoleContent(row.turns, to: &out)
            ExportMetadata.appendLabels(row, to: &out)
            out.append(0x7D)
        }
        tally.count(row, split: context.split ?? "train")
    }

    var outputPath: String { "data/" + output.file.url.lastPathComponent }
}

/// What the dataset card says about the records, counted as they are written.
final class DatasetTally {
    private(set) var total = 0
    private(set) var splits: [String: Int] = [:]
    private(set) var types: [String: Int] = [:]
    private(set) var domains: [String: Int] = [:]
    private(set) var skills: [String: Int] = [:]
    private(set) var languages: [String: Int] = [:]
    private(set) var multiImage = 0
    private(set) var turns = 0

    func count(_ row: ExportRow, split: String) {
        total += 1
        splits[split, default: 0] += 1
        types[row.type, default: 0] += 1
        domains[row.domain, default: 0] += 1
        if let skill = row.skill { skills[skill, default: 0] += 1 }
        languages[row.language, default: 0] += 1
        if row.media.count > 1 { multiImage += 1 }
        turns += row.turns.count
    }
}
