// loom-bench: measures Loom's generation speed without drawing images.
//
//   loom-bench norender RECIPE   compose + generate + check + store + export, images not drawn
//   loom-bench generate RECIPE   compose + generate + check in memory only (no store, no export)
//   loom-bench render RECIPE     compose + draw + encode every image of the recipe's singles (no files written)
//   loom-bench encode RECIPE     the store's JSON of every sample and record, one thread (EncodeBenchmark.swift)
//   loom-bench ingest DIR THREADS [HASHES_OUT]   the ingest stage over a folder of images
//   loom-bench ocr [N]           tesseract over N seeded quickstart-size scenes: character error rate vs ground truth
//   loom-bench llm BASE_URL REQUESTS CONCURRENCY [IMAGE]   the model client against an endpoint (LLMBenchmark.swift)
//   loom-bench llm-image PATH    writes the JPEG the llm benchmark sends
//   loom-bench minhash-corpus OUT [COUNT] [SEED]   writes the near-duplicate corpus and its truth (MinHashCorpus.swift)
//   loom-bench export-corpus RECIPE OUT RECORDS   a run of RECORDS records, media hard-linked to one PNG (ExportCorpus.swift)
//   loom-bench minhash --corpus FILE [--limit N] [--threads T]   MinHash LSH near-duplicate detection (MinHashBenchmark.swift)
//   loom-bench frames VIDEO uniform:N|rate:FPS [THREADS]   frames sampled from a video (FramesBenchmark.swift)
//   loom-bench link-texts RUN OUT COUNT | link-texts-jsonl IN OUT COUNT | link TEXTS K THREADS OUT
//                                in-context linking by text similarity (LinkBenchmark.swift)
//   loom-bench review-setup RUN ANNOTATORS   review accounts and a batch for the load benchmark (ReviewLoadBenchmark.swift)
//   loom-bench review-load BASE_URL ANNOTATORS SECONDS BATCH [THINK_MS]   simulated annotators against `loom review serve`
//
// Each prints one JSON line: {"scenario", "samples", "records", "seconds", "records_per_second", "peak_rss_mb",
// "cpu_seconds", "minor_faults"}.
// End-to-end figures come from `loom run` itself (see benchmarks/run.sh).
import Foundation
import LoomCheck
import LoomCore
import LoomEngine
import LoomGenerate
import LoomMedia
import LoomRecipe
import LoomScenes
import Synchronization

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

/// CPU time spent before the measured work began (`report` subtracts it).
nonisolated(unsafe) var cpuSecondsAtStart = 0.0
/// Minor page faults before the measured work began (`report` subtracts them; scenarios that do not set it
/// report the whole process's). Each is a page of memory touched for the first time, which costs a kernel entry.
nonisolated(unsafe) var minorFaultsAtStart = 0

func minorFaults() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_minflt
}

func report(_ scenario: String, samples: Int, records: Int, seconds: Double) {
    let line: [String: Any] = [
        "scenario": scenario, "samples": samples, "records": records, "seconds": (seconds * 1000).rounded() / 1000,
        "records_per_second": Int(Double(records) / seconds), "peak_rss_mb": Int(peakResidentMegabytes()),
        "cpu_seconds": ((processCPUSeconds() - cpuSecondsAtStart) * 1000).rounded() / 1000,
        "minor_faults": minorFaults() - minorFaultsAtStart,
    ]
    let data = try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1].hasPrefix("llm") {
    guard try await runLLMCommand(arguments) else {
        FileHandle.standardError.write(Data("usage: loom-bench llm BASE_URL REQUESTS CONCURRENCY [IMAGE.jpg], or loom-bench llm-image PATH\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.count >= 2, arguments[1] == "frames" {
    guard try runFramesBenchmark(arguments) else {
        FileHandle.standardError.write(Data("usage: loom-bench frames VIDEO uniform:N|rate:FPS [DECODER_THREADS]\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.count >= 2, arguments[1].hasPrefix("link") {
    guard try await LinkBenchmark.run(arguments) else {
        FileHandle.standardError.write(Data("usage: loom-bench link-texts RUN OUT.jsonl COUNT | link-texts-jsonl IN.jsonl OUT.jsonl COUNT | link TEXTS.jsonl K THREADS OUT.jsonl\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.count >= 2, arguments[1] == "minhash" || arguments[1] == "minhash-normalized" {
    guard try runMinHashCommand(arguments) else {
        FileHandle.standardError.write(Data("usage: loom-bench minhash --corpus FILE [--limit N] [--threads T] [--permutations P] [--threshold X] [--seed S] [--truth FILE], or loom-bench minhash-normalized --corpus FILE --out FILE [--limit N]\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.count >= 3, arguments[1] == "minhash-corpus" {
    let count = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
    let seed = arguments.count > 4 ? UInt64(arguments[4]) ?? 2026 : 2026
    let started = Date()
    let written = try MinHashCorpus.write(to: arguments[2], count: count, seed: seed)
    print("{\"texts\":\(written.texts),\"planted_copies\":\(written.copies),\"seconds\":\(Int(Date().timeIntervalSince(started)))}")
    exit(0)
}
if arguments.count == 4, arguments[1] == "review-setup" {
    print(try runReviewSetup(run: arguments[2], annotators: Int(arguments[3]) ?? 50))
    exit(0)
}
if arguments.count >= 6, arguments[1] == "review-load" {
    let result = try await runReviewLoad(
        base: arguments[2], annotators: Int(arguments[3]) ?? 50, seconds: Double(arguments[4]) ?? 30, batch: Int64(arguments[5]) ?? 1,
        thinkMilliseconds: arguments.count > 6 ? Int(arguments[6]) ?? 0 : 0)
    print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    exit(0)
}
if arguments.count == 5, arguments[1] == "export-corpus" {
    let started = Date()
    let written = try await writeExportCorpus(recipePath: arguments[2], output: arguments[3], records: Int(arguments[4]) ?? 1_000_000)
    print("{\"records\":\(written.records),\"media\":\(written.media),\"seconds\":\(Int(Date().timeIntervalSince(started)))}")
    exit(0)
}
if arguments.count >= 4, arguments[1] == "ingest" {
    let threads = Int(arguments[3]) ?? 1
    let result = try await runIngestBenchmark(folder: arguments[2], threads: threads, hashesOut: arguments.count > 4 ? arguments[4] : nil)
    let line: [String: Any] = [
        "scenario": "ingest", "threads": threads, "images": result.images, "seconds": (result.seconds * 1000).rounded() / 1000,
        "images_per_second": (Double(result.images) / result.seconds * 10).rounded() / 10, "peak_rss_mb": Int(peakResidentMegabytes()),
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    exit(0)
}
if arguments.count >= 2, arguments[1] == "ocr" {
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
    let result = try runOCRBenchmark(images: count)
    let line: [String: Any] = [
        "scenario": "ocr", "images": count, "lines": result.lines, "cer": (result.cer * 1000).rounded() / 1000,
        "seconds_per_image": (result.seconds / Double(count) * 1000).rounded() / 1000,
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    exit(0)
}
// `loom-bench norender RECIPE no-quality` leaves the quality stage out (the issue-2 pipeline: compose, generate,
// check, store, export).
guard arguments.count == 3 || (arguments.count == 4 && arguments[1] == "norender" && arguments[3] == "no-quality"),
    ["norender", "generate", "render", "compose", "encode"].contains(arguments[1])
else {
    FileHandle.standardError.write(Data("usage: loom-bench norender|generate|render|compose|encode RECIPE, or loom-bench ingest DIR THREADS [HASHES_OUT]\n".utf8))
    exit(2)
}
let (recipe, recipeURL, catalog) = try RunLocator.loadRecipe(arguments[2])
let threads = ProcessInfo.processInfo.activeProcessorCount

switch arguments[1] {
case "norender":
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("loom-bench-\(UUID().uuidString)")
    var scratch = recipe
    scratch.output = output.path
    if arguments.count == 4 { scratch.quality.enabled = false }
    // LOOM_BENCH_STAGES=1 prints when each stage starts and ends. Read once: the observer sees an event per item,
    // and reading the environment there was 2% of the measured time.
    let printsStages = ProcessInfo.processInfo.environment["LOOM_BENCH_STAGES"] != nil
    cpuSecondsAtStart = processCPUSeconds()
    minorFaultsAtStart = minorFaults()
    let started = Date()
    let samplesDone = Mutex<Date?>(nil)
    let runner = RecipeRunner(
        recipe: scratch, recipeURL: recipeURL, catalog: catalog,
        observer: { event in
            if case .stageFinished(.render, _, _) = event { samplesDone.withLock { $0 = Date() } }
            if printsStages {
                switch event {
                case .stageStarted(let stage, _, _), .stageFinished(let stage, _, _):
                    let phase = if case .stageStarted = event { "start" } else { "end" }
                    FileHandle.standardError.write(Data(String(format: "%.3f s %@ %@ (cpu %.3f)\n", Date().timeIntervalSince(started), stage.rawValue, phase, processCPUSeconds() - cpuSecondsAtStart).utf8))
                case .progressed(.export, let done, _, let records):
                    // Each export as it finishes: which of them holds the phase up.
                    FileHandle.standardError.write(Data(String(
                        format: "%.3f s export %d done (%d records) (cpu %.3f)\n", Date().timeIntervalSince(started), done, records, processCPUSeconds() - cpuSecondsAtStart).utf8))
                default: break
                }
            }
        }, threads: threads, renderImages: false)
    let summary = try await runner.run()
    let seconds = Date().timeIntervalSince(started)
    if let split = samplesDone.withLock({ $0 }) {
        FileHandle.standardError.write(Data(String(
            format: "norender phases: samples stored %.3f s, exports %.3f s\n", split.timeIntervalSince(started),
            Date().timeIntervalSince(split)).utf8))
    }
    // LOOM_BENCH_KEEP=1 keeps the run folder for inspection and prints where it is.
    if ProcessInfo.processInfo.environment["LOOM_BENCH_KEEP"] != nil {
        FileHandle.standardError.write(Data("norender run kept at \(output.path)\n".utf8))
    } else {
        try? FileManager.default.removeItem(at: output)
    }
    report(arguments.count == 4 ? "norender-no-quality" : "norender", samples: summary.plannedSamples, records: summary.records, seconds: seconds)
case "render":
    guard let scenes = InMemoryScenes(recipe: recipe, catalog: catalog) else { exit(2) }
    let (source, settings) = (scenes.source, scenes.settings)
    let singles = scenes.plan.samples.filter { $0.kind == .single }
    let format = ImageFormat(rawValue: source.format) ?? .png
    let started = Date()
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        for planned in singles.enumerated().filter({ $0.offset % threads == t }).map(\.element) {
            var rng = SeededGenerator(seed: StableID.seed(recipe.seed, planned.id, "scene"))
            let scene = SceneComposer.single(settings, rng: &rng)
            _ = try! ImageEncoder.encode(try! SceneRenderer.render(scene), format: format, jpegQuality: source.jpegQuality)
        }
    }
    let seconds = Date().timeIntervalSince(started)
    report("render", samples: singles.count, records: singles.count, seconds: seconds)
case "encode":
    encodeBenchmark(recipe: recipe, catalog: catalog)
default:  // "generate", or "compose" (scenes only; counts images)
    guard let scenes = InMemoryScenes(recipe: recipe, catalog: catalog) else { exit(2) }
    let plan = scenes.plan
    // Split the plan into one slice per thread; each thread composes, generates and checks its slice.
    let slices = (0..<threads).map { t in plan.samples.enumerated().filter { $0.offset % threads == t }.map(\.element) }
    let total = Mutex(0)
    let started = Date()
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        var records = 0
        let composeOnly = arguments[1] == "compose"
        for planned in slices[t] {
            let truth = scenes.truth(of: planned)
            if composeOnly {
                records += truth.scenes.count
                continue
            }
            let (_, generated) = scenes.sampleAndRecords(planned, truth: truth)
            for record in generated where !AnswerChecker.check(record, truth: truth).isEmpty {
                fatalError("checker disagreement in \(record.id)")
            }
            records += generated.count
        }
        total.withLock { $0 += records }
    }
    let seconds = Date().timeIntervalSince(started)
    report(arguments[1], samples: plan.samples.count, records: total.withLock { $0 }, seconds: seconds)
}
