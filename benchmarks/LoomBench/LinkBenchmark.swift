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
///   loom-bench link-hashes OUT.jsonl COUNT SEED    COUNT single-image records' perceptual hashes, in bursts of
///                                                  near-duplicates as photo collections have them
///   loom-bench link-images HASHES.jsonl K THREADS OUT.jsonl   image-similarity linking, timed
///
/// Each line of TEXTS.jsonl is {"id", "sample", "language", "text", "pool"}; `pool` is `ExamplePool`'s choice
/// (share 0.2, seed 0), written so that the scikit-learn script splits pool and queries exactly as Loom does.
/// HASHES.jsonl has {"id", "hash" (16 hex digits), "pool"} per line, for `benchmarks/faiss_link.py` as well.
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
            // Own samples allowed: scikit-learn's nearest neighbours know nothing of samples.
            let settings = LinkSettings(strategy: .text, k: Int(arguments[3]) ?? 5, exampleShare: share, sameSample: true, seed: seed)
            try timeLinking(try read(arguments[2]), settings: settings, threads: Int(arguments[4]) ?? 2, scenario: "link", out: arguments[5])
            return true
        case (5, "link-hashes"):
            try writeHashes(count: Int(arguments[3]) ?? 100_000, seed: UInt64(arguments[4]) ?? 1, to: arguments[2])
            return true
        case (6, "link-images"):
            let items = try String(contentsOfFile: arguments[2], encoding: .utf8).split(separator: "\n").map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                let id = object["id"] as? String ?? ""
                return LinkItem(
                    id: id, sampleID: id, language: "en", text: "", imageHashes: [UInt64(object["hash"] as? String ?? "", radix: 16) ?? 0])
            }
            let settings = LinkSettings(strategy: .image, k: Int(arguments[3]) ?? 5, exampleShare: share, sameSample: true, seed: seed)
            try timeLinking(items, settings: settings, threads: Int(arguments[4]) ?? 2, scenario: "link-images", out: arguments[5])
            return true
        default:
            return false
        }
    }

    /// One record per image: bursts of 1–8 near-duplicates (a few bits from the burst's first hash), as a camera
    /// roll has them, so that distances tie and neighbours are close.
    private static func writeHashes(count: Int, seed: UInt64, to path: String) throws {
        var generator = SeededGenerator(seed: seed)
        var out = ""
        var centre: UInt64 = 0
        var left = 0
        for index in 0..<count {
            if left == 0 {
                centre = generator.next()
                left = 1 + Int(generator.next() % 8)
            }
            left -= 1
            var hash = centre
            for _ in 0..<Int(generator.next() % 6) { hash ^= 1 << (generator.next() % 64) }
            let id = "img-" + String(index, radix: 16)
            let hex = String(hash, radix: 16)
            let object: [String: Any] = [
                "id": id, "hash": String(repeating: "0", count: 16 - hex.count) + hex,
                "pool": ExamplePool.contains(id, share: share, seed: Self.seed),
            ]
            out += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Links `items`, timing the linking alone, then writes the queries' links to `out` and prints the JSON line.
    private static func timeLinking(_ items: [LinkItem], settings: LinkSettings, threads: Int, scenario: String, out: String) throws {
        let started = Date()
        let links = InContextLinker(settings: settings, threads: threads).link(items)
        let seconds = Date().timeIntervalSince(started)
        try writeLinks(links, to: out)
        report(scenario: scenario, records: items.count, links: links, k: settings.k, threads: threads, seconds: seconds)
    }

    private static func writeLinks(_ links: [InContextLink], to path: String) throws {
        var out = ""
        for link in links where link.role == .query {
            let object: [String: Any] = ["id": link.recordID, "examples": link.examples, "scores": link.scores]
            out += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func report(scenario: String, records: Int, links: [InContextLink], k: Int, threads: Int, seconds: Double) {
        let queries = links.filter { $0.role == .query }.count
        let line: [String: Any] = [
            "scenario": scenario, "records": records, "queries": queries, "pool": records - queries, "k": k,
            "threads": threads, "seconds": (seconds * 1000).rounded() / 1000, "peak_rss_mb": Int(peakResidentMegabytes()),
        ]
        print(String(decoding: try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
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
