import Foundation
import LoomCore
import LoomEngine
import LoomLinking
import LoomStore

/// The in-context linking benchmark (`benchmarks/run.sh link`):
///
///   loom-bench link-texts RUN OUT.jsonl COUNT      the first COUNT unflagged records of a run, as linking sees them
///   loom-bench link-texts-jsonl IN.jsonl OUT.jsonl COUNT   the same from a JSONL file of {"id", "text"}
///   loom-bench link TEXTS.jsonl K THREADS OUT.jsonl   text-similarity linking, timed
///
/// Each line of TEXTS.jsonl is {"id", "sample", "language", "text", "pool"}; `pool` is `ExamplePool`'s choice
/// (share 0.2, seed 0), written so that the scikit-learn script splits pool and queries exactly as Loom does.
enum LinkBenchmark {
    static let share = 0.2
    static let seed: UInt64 = 0

    static func run(_ arguments: [String]) async throws -> Bool {
        switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
        case (5, "link-texts"):
            let store = try RunStore(directory: URL(fileURLWithPath: arguments[2]))
            let count = Int(arguments[4]) ?? 100_000
            var items: [LinkItem] = []
            var after: String?
            while items.count < count {
                let page = try store.recordDigests(after: after, limit: 10_000)
                guard let last = page.last else { break }
                items += page.filter { !$0.flagged }.map(InContextStage.linkItem)
                after = last.id
            }
            try write(Array(items.prefix(count)), to: arguments[3])
            return true
        case (5, "link-texts-jsonl"):
            let count = Int(arguments[4]) ?? 100_000
            var items: [LinkItem] = []
            for line in try String(contentsOfFile: arguments[2], encoding: .utf8).split(separator: "\n").prefix(count) {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                let id = object["id"] as? String ?? ""
                let text = (object["text"] as? String ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                    .map { ImagePrefix.split(String($0)).rest }.filter { !$0.isEmpty }.joined(separator: "\n")
                items.append(LinkItem(id: id, sampleID: id, language: "en", text: text))
            }
            try write(items, to: arguments[3])
            return true
        case (6, "link"):
            let items = try read(arguments[2])
            let k = Int(arguments[3]) ?? 5
            let threads = Int(arguments[4]) ?? 2
            // Own samples allowed: scikit-learn's nearest neighbours know nothing of samples.
            let settings = LinkSettings(strategy: .text, k: k, exampleShare: share, sameSample: true, seed: seed)
            let started = Date()
            let links = InContextLinker(settings: settings, threads: threads).link(items)
            let seconds = Date().timeIntervalSince(started)
            var out = ""
            for link in links where link.role == .query {
                let object: [String: Any] = ["id": link.recordID, "examples": link.examples, "scores": link.scores]
                out += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
            }
            try out.write(toFile: arguments[5], atomically: true, encoding: .utf8)
            let queries = links.filter { $0.role == .query }.count
            let line: [String: Any] = [
                "scenario": "link", "records": items.count, "queries": queries, "pool": items.count - queries, "k": k,
                "threads": threads, "seconds": (seconds * 1000).rounded() / 1000, "peak_rss_mb": Int(peakResidentMegabytes()),
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            return true
        default:
            return false
        }
    }

    private static func write(_ items: [LinkItem], to path: String) throws {
        var out = ""
        for item in items {
            let object: [String: Any] = [
                "id": item.id, "sample": item.sampleID, "language": item.language, "text": item.text,
                "pool": ExamplePool.contains(item.id, share: share, seed: seed),
            ]
            out += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func read(_ path: String) throws -> [LinkItem] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return LinkItem(
                id: object["id"] as? String ?? "", sampleID: object["sample"] as? String ?? "",
                language: object["language"] as? String ?? "", text: object["text"] as? String ?? "")
        }
    }
}
