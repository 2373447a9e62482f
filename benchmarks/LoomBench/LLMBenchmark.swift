import Foundation
import LoomCore
import LoomLLM
import LoomMedia
import LoomScenes

// `loom-bench llm BASE_URL REQUESTS CONCURRENCY [IMAGE.jpg]`: Loom's model engine path against an
// OpenAI-compatible endpoint (the mock server of `loom-mock-model` in `make bench`). REQUESTS chat completions go
// through one `OpenAIClient` (body encoding with the image base64-encoded per request, the AIMD concurrency gate,
// the per-attempt deadline, retry bookkeeping, JSON decoding of the reply), at most CONCURRENCY in flight: the
// client's limit is pinned to CONCURRENCY (concurrency = maxConcurrency) and the driver keeps exactly that many
// calls open, the way `ModelItemRunner` does.
//
// `loom-bench llm-image PATH [QUALITY]` writes the JPEG both this benchmark and benchmarks/openai_client_bench.py send.
//
// The request is the same as the Python script's, byte for byte in content: keep the texts in sync.

/// The system message of every benchmark request (benchmarks/openai_client_bench.py has the same text).
let llmBenchSystem =
    "You are a careful annotator building a vision-language dataset. Describe only what is visible. Answer in JSON."

/// The user message's text, about 300 characters, followed by " (item N)" (the same in the Python script).
let llmBenchUser =
    "Write a detailed description of this image for a visual instruction-tuning dataset. Mention every object, "
    + "its colour, shape, material and size, where it is relative to the others, and any text on signs. Then write "
    + "three questions about the image with short answers. Return an object with the keys caption and questions."

/// The benchmark's image: the 512×384 seeded quickstart scene 7 as a JPEG of quality `quality` (50: 18,374 bytes).
func llmBenchImage(quality: Int) throws -> [UInt8] {
    var rng = SeededGenerator(seed: 7)
    let scene = SceneComposer.single(SceneSettings(width: 512, height: 384, minLabels: 1, maxLabels: 2), rng: &rng)
    return try ImageEncoder.encode(try SceneRenderer.render(scene), format: .jpeg, jpegQuality: quality)
}

/// CPU seconds (user + system) this process has used so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The peak resident set (VmHWM) in MiB, from /proc/self/status; ru_maxrss where that is missing.
func peakResidentFromProc() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            if let kilobytes = Double(String(digits)) { return kilobytes / 1024 }
        }
    }
    return peakResidentMegabytes()
}

struct LLMBenchResult {
    var requests: Int
    var concurrency: Int
    var seconds: Double
    var cpuSeconds: Double
    var failures: Int
    var firstFailure: String?
    var imageBytes: Int
    var requestBytes: Int
}

func runLLMBenchmark(baseURL: String, requests: Int, concurrency: Int, image: [UInt8]?) async throws -> LLMBenchResult {
    let configuration = EndpointConfiguration(
        name: "bench", baseURL: baseURL, model: "mock", apiKey: "x", concurrency: concurrency,
        maxConcurrency: concurrency, timeout: 120)
    let client = OpenAIClient(configuration: configuration)
    let chatImage = image.map { ChatImage(jpeg: Data($0), detail: .auto) }
    let system = ChatMessage.system(llmBenchSystem)
    @Sendable func request(_ index: Int) -> ChatRequest {
        var parts: [ChatMessage.Part] = [.text(llmBenchUser + " (item \(index))")]
        if let chatImage { parts.append(.image(chatImage)) }
        return ChatRequest(
            model: "mock", messages: [system, ChatMessage(role: .user, parts: parts)], temperature: 0.2, maxTokens: 256)
    }
    let requestBytes = RequestBody.bytes(for: request(0), structuredOutput: .none, stream: false).count

    let startCPU = processCPUSeconds()
    let start = ContinuousClock.now
    var failures = 0
    var firstFailure: String?
    await withTaskGroup(of: String?.self) { group in
        var issued = 0
        func startNext() -> Bool {
            guard issued < requests else { return false }
            let index = issued
            issued += 1
            group.addTask {
                do {
                    let reply = try await client.complete(request(index))
                    return reply.text.isEmpty ? "empty reply" : nil
                } catch {
                    return "\(error)"
                }
            }
            return true
        }
        for _ in 0..<concurrency where !startNext() { break }
        while let outcome = await group.next() {
            if let outcome {
                failures += 1
                if firstFailure == nil { firstFailure = outcome }
            }
            _ = startNext()
        }
    }
    let elapsed = ContinuousClock.now - start
    let cpu = processCPUSeconds() - startCPU
    try await client.shutdown()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return LLMBenchResult(
        requests: requests, concurrency: concurrency, seconds: seconds, cpuSeconds: cpu, failures: failures,
        firstFailure: firstFailure, imageBytes: image?.count ?? 0, requestBytes: requestBytes)
}

/// Runs the `llm` and `llm-image` subcommands; returns false when the arguments name neither.
func runLLMCommand(_ arguments: [String]) async throws -> Bool {
    if (3...4).contains(arguments.count), arguments[1] == "llm-image" {
        let bytes = try llmBenchImage(quality: arguments.count > 3 ? Int(arguments[3]) ?? 50 : 50)
        try Data(bytes).write(to: URL(fileURLWithPath: arguments[2]))
        print("wrote \(arguments[2]): \(bytes.count) bytes")
        return true
    }
    guard arguments.count >= 5, arguments[1] == "llm", let requests = Int(arguments[3]), requests > 0,
        let concurrency = Int(arguments[4]), concurrency > 0
    else { return false }
    let image = arguments.count > 5 ? Array(try Data(contentsOf: URL(fileURLWithPath: arguments[5]))) : nil
    let result = try await runLLMBenchmark(baseURL: arguments[2], requests: requests, concurrency: concurrency, image: image)
    if let first = result.firstFailure {
        FileHandle.standardError.write(Data("loom-bench llm: \(result.failures) failure(s), first: \(first)\n".utf8))
    }
    func round(_ value: Double, _ places: Double) -> Double { (value * places).rounded() / places }
    let line: [String: Any] = [
        "client": "loom", "requests": result.requests, "concurrency": result.concurrency,
        "seconds": round(result.seconds, 1000), "requests_per_second": round(Double(result.requests) / result.seconds, 10),
        "cpu_seconds": round(result.cpuSeconds, 1000),
        "cpu_ms_per_request": round(result.cpuSeconds * 1000 / Double(result.requests), 1000),
        "peak_rss_mb": round(peakResidentFromProc(), 10), "failures": result.failures,
        "image_bytes": result.imageBytes, "request_bytes": result.requestBytes,
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    return true
}
