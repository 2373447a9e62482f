import Foundation
import LoomQuality

/// `loom-bench minhash --corpus FILE [--limit N] [--threads T] [--permutations P] [--threshold X] [--seed S] [--truth FILE]`:
/// near-duplicate detection over a JSONL corpus (`minhash-corpus`), timed from the first byte read to the groups
/// made. A reader thread reads the file in 8 MB chunks and parses batches of 32,768 lines (the `"text"` member's
/// JSON string decoded from bytes) while the calling thread hashes the previous batch on T threads
/// (`MinHasher.bandKeys(of:parameters:threads:)`) and appends its band keys to a `NearDuplicateFinder`;
/// `duplicates(threads:)` groups at the end (bands in parallel). Prints one JSON line with the figures `benchmarks/datasketch_dedup.py` prints,
/// plus the time of each phase.
///
/// `loom-bench minhash-normalized --corpus FILE --limit N --out FILE` writes each text's normalized form, one per
/// line, to check the Python normalization against Loom's.
func runMinHashCommand(_ arguments: [String]) throws -> Bool {
    var options: [String: String] = [:]
    var index = 2
    while index + 1 < arguments.count, arguments[index].hasPrefix("--") {
        options[String(arguments[index].dropFirst(2))] = arguments[index + 1]
        index += 2
    }
    guard index == arguments.count, let corpus = options["corpus"] else { return false }
    let limit = options["limit"].flatMap(Int.init) ?? Int.max
    if arguments[1] == "minhash-normalized" {
        guard let out = options["out"] else { return false }
        var normalized: [UInt8] = []
        _ = try JSONLTextReader.forEachBatch(path: corpus, limit: limit, batchSize: 65_536) { _, texts in
            for text in texts {
                normalized.append(contentsOf: NormalizedText.normalized(text).utf8)
                normalized.append(0x0A)
            }
        }
        try Data(normalized).write(to: URL(fileURLWithPath: out))
        return true
    }
    let threads = options["threads"].flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
    let parameters = try MinHashParameters(
        permutations: options["permutations"].flatMap(Int.init) ?? 128, threshold: options["threshold"].flatMap(Double.init) ?? 0.8,
        seed: options["seed"].flatMap(UInt64.init) ?? MinHashParameters.defaultSeed)

    let started = DispatchTime.now()
    var hashSeconds = 0.0
    var waitSeconds = 0.0
    var finder = NearDuplicateFinder(parameters: parameters, expectedCount: limit == Int.max ? 0 : limit)
    // A reader thread parses the next batches while this one hashes: at most two parsed batches wait.
    let queue = BatchQueue(capacity: 2)
    let reader = Thread {
        var parseSeconds = 0.0
        do {
            let count = try JSONLTextReader.forEachBatch(path: corpus, limit: limit, batchSize: 32_768, parseSeconds: &parseSeconds) {
                queue.put(first: $0, texts: $1)
            }
            queue.finish(count: count, parseSeconds: parseSeconds, error: nil)
        } catch {
            queue.finish(count: 0, parseSeconds: parseSeconds, error: error)
        }
    }
    reader.start()
    while true {
        let waitStarted = DispatchTime.now()
        guard let (first, texts) = queue.take() else { break }
        waitSeconds += seconds(since: waitStarted)
        let hashStarted = DispatchTime.now()
        let keys = MinHasher.bandKeys(of: texts, parameters: parameters, threads: threads)
        finder.add(firstOrdinal: UInt32(first), bandKeys: keys)
        hashSeconds += seconds(since: hashStarted)
    }
    let (count, parseSeconds) = try queue.result()
    let groupStarted = DispatchTime.now()
    let duplicates = finder.duplicates(threads: threads)
    let groupSeconds = seconds(since: groupStarted)
    let total = seconds(since: started)
    let peak = peakResidentSetMegabytes()

    var representative = (0..<UInt32(count)).map { $0 }
    for pair in duplicates { representative[Int(pair.duplicate)] = pair.of }
    var result: [String: Any] = [
        "side": "loom", "texts": count, "seconds": (total * 1000).rounded() / 1000,
        "texts_per_second": (Double(count) / total * 10).rounded() / 10, "peak_rss_mb": (peak * 10).rounded() / 10,
        "permutations": parameters.permutations, "threshold": parameters.threshold, "bands": parameters.bands,
        "rows": parameters.rows, "seed": parameters.seed, "threads": threads, "flagged": duplicates.count,
        "groups": Set(duplicates.map(\.of)).count,
        "phases": [
            "read_parse_overlapped": (parseSeconds * 1000).rounded() / 1000, "waiting_for_reader": (waitSeconds * 1000).rounded() / 1000,
            "hash_band": (hashSeconds * 1000).rounded() / 1000, "group": (groupSeconds * 1000).rounded() / 1000,
        ],
    ]
    let truth = options["truth"] ?? corpus + ".truth.jsonl"
    if FileManager.default.fileExists(atPath: truth) {
        result.merge(try scoreAgainstTruth(truth, representative: representative)) { $1 }
    }
    print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    return true
}

private func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// VmHWM of this process, in MB.
func peakResidentSetMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return peakResidentMegabytes() }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count >= 2, let kilobytes = Double(fields[1]) { return kilobytes / 1024 }
    }
    return peakResidentMegabytes()
}

/// Recall over the planted pairs inside the first `representative.count` lines, overall and by true Jaccard, and
/// the flags outside planted groups: exactly what `datasketch_dedup.py` computes.
func scoreAgainstTruth(_ path: String, representative: [UInt32]) throws -> [String: Any] {
    let count = representative.count
    var family = Array(0..<count)
    var pairs: [(copy: Int, of: Int, jaccard: Double)] = []
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for line in text.split(separator: "\n") {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let copy = object["copy"] as? Int, let of = object["of"] as? Int, let jaccard = object["jaccard"] as? Double
        else { continue }
        if copy < count && of < count {
            family[copy] = of
            pairs.append((copy, of, jaccard))
        }
    }
    var bins: [String: (found: Int, total: Int)] = ["1.0": (0, 0), "0.9-1.0": (0, 0), "0.8-0.9": (0, 0)]
    var found = 0
    for pair in pairs {
        let hit = representative[pair.copy] == representative[pair.of]
        if hit { found += 1 }
        let key = pair.jaccard >= 1 ? "1.0" : pair.jaccard >= 0.9 ? "0.9-1.0" : "0.8-0.9"
        bins[key]!.found += hit ? 1 : 0
        bins[key]!.total += 1
    }
    let unplanted = (0..<count).filter { Int(representative[$0]) != $0 && family[$0] != family[Int(representative[$0])] }.count
    func rounded(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }
    return [
        "planted_pairs": pairs.count, "found_pairs": found,
        "recall": pairs.isEmpty ? NSNull() : rounded(Double(found) / Double(pairs.count)) as Any,
        "recall_by_jaccard": bins.mapValues { $0.total == 0 ? NSNull() : rounded(Double($0.found) / Double($0.total)) as Any },
        "unplanted_flags": unplanted,
    ]
}

/// Parsed batches handed from the reader thread to the hashing one.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var batches: [(Int, [String])] = []
    private var outcome: (count: Int, parseSeconds: Double, error: (any Error)?)?

    init(capacity: Int) { self.capacity = capacity }

    func put(first: Int, texts: [String]) {
        condition.lock()
        while batches.count >= capacity { condition.wait() }
        batches.append((first, texts))
        condition.broadcast()
        condition.unlock()
    }

    func finish(count: Int, parseSeconds: Double, error: (any Error)?) {
        condition.lock()
        outcome = (count, parseSeconds, error)
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the reader has finished and every batch was taken.
    func take() -> (Int, [String])? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && outcome == nil { condition.wait() }
        if batches.isEmpty { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }

    func result() throws -> (Int, Double) {
        condition.lock()
        defer { condition.unlock() }
        guard let outcome else { return (0, 0) }
        if let error = outcome.error { throw error }
        return (outcome.count, outcome.parseSeconds)
    }
}

/// Streams the `"text"` members of a JSONL file in batches.
enum JSONLTextReader {
    /// Calls `body` with the ordinal of each batch's first line and the batch's texts; returns the number of lines.
    static func forEachBatch(
        path: String, limit: Int, batchSize: Int, body: (Int, [String]) throws -> Void
    ) throws -> Int {
        var ignored = 0.0
        return try forEachBatch(path: path, limit: limit, batchSize: batchSize, parseSeconds: &ignored, body: body)
    }

    static func forEachBatch(
        path: String, limit: Int, batchSize: Int, parseSeconds: inout Double, body: (Int, [String]) throws -> Void
    ) throws -> Int {
        guard let file = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? file.close() }
        var pending: [UInt8] = []  // bytes of a line cut by the chunk boundary
        var batch: [String] = []
        batch.reserveCapacity(batchSize)
        var lines = 0
        var first = 0
        var scratch: [UInt8] = []
        var parseStarted = DispatchTime.now()
        func flush() throws {
            parseSeconds += seconds(since: parseStarted)
            if !batch.isEmpty { try body(first, batch) }
            first = lines
            batch.removeAll(keepingCapacity: true)
            parseStarted = DispatchTime.now()
        }
        reading: while lines < limit {
            guard let chunk = try file.read(upToCount: 8 << 20), !chunk.isEmpty else { break }
            var bytes = pending
            bytes.append(contentsOf: chunk)
            pending = []
            var lineStart = 0
            let done: Bool = try bytes.withUnsafeBufferPointer { buffer in
                var index = 0
                while index < buffer.count {
                    if buffer[index] == 0x0A {
                        if index > lineStart {
                            batch.append(try text(in: UnsafeBufferPointer(rebasing: buffer[lineStart..<index]), scratch: &scratch))
                            lines += 1
                            if lines >= limit { return true }
                            if batch.count == batchSize { try flush() }
                        }
                        lineStart = index + 1
                    }
                    index += 1
                }
                return false
            }
            if done { break reading }
            pending = Array(bytes[lineStart...])
        }
        if lines < limit && !pending.isEmpty {
            batch.append(try pending.withUnsafeBufferPointer { try text(in: $0, scratch: &scratch) })
            lines += 1
        }
        try flush()
        return lines
    }

    struct Malformed: Error {}

    private static let textKey: [UInt8] = Array(#""text":"#.utf8)

    /// The decoded value of the first `"text":` member of one JSON object line.
    static func text(in line: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) throws -> String {
        let key = textKey
        var index = 0
        search: while index + key.count <= line.count {
            for offset in 0..<key.count where line[index + offset] != key[offset] {
                index += 1
                continue search
            }
            break
        }
        index += key.count
        while index < line.count && line[index] == 0x20 { index += 1 }
        guard index < line.count, line[index] == 0x22 else { throw Malformed() }
        index += 1
        scratch.removeAll(keepingCapacity: true)
        var runStart = index
        while index < line.count {
            let byte = line[index]
            if byte == 0x22 {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: line[runStart..<index]))
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte != 0x5C {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: line[runStart..<index]))
            guard index + 1 < line.count else { throw Malformed() }
            let escaped = line[index + 1]
            index += 2
            switch escaped {
            case 0x6E: scratch.append(0x0A)
            case 0x74: scratch.append(0x09)
            case 0x72: scratch.append(0x0D)
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x75:
                guard var scalar = hex4(line, index) else { throw Malformed() }
                index += 4
                if scalar >= 0xD800 && scalar < 0xDC00, index + 6 <= line.count, line[index] == 0x5C, line[index + 1] == 0x75,
                    let low = hex4(line, index + 2), low >= 0xDC00 && low < 0xE000
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                scratch.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
            default: scratch.append(escaped)  // \" \\ \/
            }
            runStart = index
        }
        throw Malformed()
    }

    private static func hex4(_ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32? {
        guard index + 4 <= line.count else { return nil }
        var value: UInt32 = 0
        for byte in line[index..<(index + 4)] {
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
