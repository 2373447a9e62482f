import Foundation
import LoomCore

/// Finds anything stored under an id (or a unique prefix of one) and shows it as readable JSON.
public enum Inspector {
    public static func describe(id: String, in run: RunDirectory) throws -> String {
        let store = run.store
        let matches = try store.ids(startingWith: id)
        guard !matches.isEmpty else { throw LoomError(.usage, "nothing in this run has an id starting with '\(id)'") }
        let exact = matches.filter { $0.id == id }
        let chosen = exact.count == 1 ? exact : matches
        guard chosen.count == 1, let match = chosen.first else {
            // An error, not an answer: a script that inspects an id must not take the list for the thing.
            throw LoomError(
                .usage,
                "'\(id)' is ambiguous; give more of the id. It starts:\n" + matches.map { "  \($0.table.dropLast()) \($0.id)" }.joined(separator: "\n"))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func text<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        switch match.table {
        case "records":
            guard let record = try store.record(id: match.id) else { break }
            let files = try record.media.compactMap { try store.media(id: $0) }.map { run.url.appendingPathComponent($0.path).path }
            var lines = ["record \(record.id) — \(record.type.rawValue), \(record.domain)" + (record.skill.map { ", \($0.rawValue)" } ?? "")]
            for turn in record.turns {
                lines.append("\(turn.role == .user ? "USER" : "ASSISTANT"):")
                lines += turn.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            }
            if let source = record.provenance.translatedFrom { lines.append("translated (\(record.language)) from record \(source)") }
            if let link = try store.inContextLink(record.id) {
                lines.append(
                    link.isQuery
                        ? "in-context query; examples: " + (link.examples.isEmpty ? "none" : link.examples.joined(separator: ", "))
                        : "in-context example")
            }
            lines.append(record.flags.isEmpty ? "quality: no flags" : "quality flags:")
            lines += record.flags.map { "  \($0.code): \($0.reason)" }
            if let sample = try store.sample(id: record.sampleID), case .video(let video) = sample.truth {
                lines.append("video \(video.videoID.prefix(12))…, \(String(format: "%.1f", video.duration)) s; "
                    + "\(video.segments.count) segments, \(video.narrations.count) narrations")
                lines.append("frames (at seconds):")
                lines += zip(files, video.frameTimes).map { "  " + String(format: "%7.2f  ", $1) + $0 }
            } else {
                lines.append("images:")
                lines += files.map { "  " + $0 }
            }
            lines.append("stored record:")
            return lines.joined(separator: "\n") + "\n" + (try text(record))
        case "samples":
            guard let sample = try store.sample(id: match.id) else { break }
            return "sample \(sample.id)\n" + (try text(sample))
        default:
            guard let media = try store.media(id: match.id) else { break }
            return "medium \(media.id)\n" + (try text(media)) + "\nfile: " + run.url.appendingPathComponent(media.path).path
        }
        throw LoomError(.store, "'\(match.id)' vanished while it was read")
    }
}
