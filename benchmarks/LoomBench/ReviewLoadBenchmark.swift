import AsyncHTTPClient
import Foundation
import LoomReview
import LoomStore
import NIOCore
import NIOHTTP1
import Synchronization

// `loom-bench review-setup RUN ANNOTATORS`: creates the accounts bench-1…bench-N (password "bench-password-N")
// and a batch "bench" over every record, if missing; prints the batch id.
//
// `loom-bench review-load BASE_URL ANNOTATORS SECONDS BATCH [THINK_MS]`: N simulated annotators against a running
// `loom review serve`, each signed in with its own session, each looping: load the review screen (every 20th
// record, as after a page reload), take the next record (`GET /api/next`, the record fragment the screen shows),
// wait about THINK_MS (reading the record; default 0), accept it (`POST /api/records/ID/verdict`, the save), wait
// about THINK_MS again. Each wait is drawn between half and one and a half THINK_MS, and starts are spread over
// two THINK_MS, so that 50 people do not click in step. With THINK_MS 0 every annotator keeps one request in flight all the time: the server's
// saturation. Prints per action the count and the p50/p99/max latency in milliseconds, as one JSON line.

func runReviewSetup(run: String, annotators: Int) throws -> Int64 {
    let directory = URL(fileURLWithPath: run)
    let store = try RunStore(directory: directory)
    let service = try ReviewService(store: store, runDirectory: directory, settings: try ReviewService.storedSettings(store))
    for index in 1...annotators where try store.reviewer(named: "bench-\(index)") == nil {
        try service.addUser(name: "bench-\(index)", role: .annotator, password: "bench-password-\(index)")
    }
    if let batch = try store.reviewBatches().first(where: { $0.name == "bench" }) { return batch.id }
    let admin = ReviewerAccount(name: "bench", role: .admin, passwordHash: "", createdAt: service.now)
    return try service.createBatch(name: "bench", filter: ReviewBatchFilter(), by: admin).id
}

/// Latencies of one kind of request, in seconds.
final class LatencyLog: Sendable {
    private let samples = Mutex<[Double]>([])
    private let failures = Mutex<(count: Int, first: String?)>((0, nil))

    func add(_ seconds: Double) { samples.withLock { $0.append(seconds) } }
    func fail(_ why: String) { failures.withLock { $0.count += 1; if $0.first == nil { $0.first = why } } }

    func summary() -> [String: Any] {
        let sorted = samples.withLock { $0.sorted() }
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)] * 1000
        }
        let failed = failures.withLock { $0 }
        var result: [String: Any] = [
            "requests": sorted.count, "p50_ms": (quantile(0.5) * 100).rounded() / 100,
            "p99_ms": (quantile(0.99) * 100).rounded() / 100, "max_ms": ((sorted.last ?? 0) * 100_000).rounded() / 100,
            "failures": failed.count,
        ]
        if let first = failed.first { result["first_failure"] = first }
        return result
    }
}

/// One simulated annotator's HTTP conversation: its cookies and CSRF token.
struct SimulatedAnnotator {
    let http: HTTPClient
    let base: String
    let name: String
    let password: String
    var cookies: [String: String] = [:]
    var csrf = ""

    private var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    private mutating func send(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = nil) async throws -> (HTTPResponseStatus, String) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookieHeader) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if !csrf.isEmpty { request.headers.add(name: "X-CSRF-Token", value: csrf) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(60))
        for line in response.headers["Set-Cookie"] {
            let pair = line.prefix { $0 != ";" }
            if let equals = pair.firstIndex(of: "=") { cookies[String(pair[..<equals])] = String(pair[pair.index(after: equals)...]) }
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (response.status, String(buffer: bytes))
    }

    private static func attribute(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "\(name)=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    mutating func signIn() async throws {
        let (_, form) = try await send(.GET, "/login")
        guard let token = Self.attribute("name=\"csrf\" value", in: form) else { throw LoadFailure("no login form") }
        let (status, _) = try await send(
            .POST, "/login", body: "name=\(name)&password=\(password)&csrf=\(token)", contentType: "application/x-www-form-urlencoded")
        guard status == .seeOther else { throw LoadFailure("login answered \(status)") }
        let (_, home) = try await send(.GET, "/")
        guard let csrf = Self.attribute("data-csrf", in: home) else { throw LoadFailure("no CSRF token on the home page") }
        self.csrf = csrf
    }

    /// Loops until `deadline`: screen (every 20th), next, accept.
    mutating func work(
        batch: Int64, think: Duration, until deadline: ContinuousClock.Instant, screen: LatencyLog, next: LatencyLog, save: LatencyLog
    ) async {
        let clock = ContinuousClock()
        var iteration = 0
        // People do not all open the page in the same millisecond: with think time, starts spread over two waits.
        if think > .zero { try? await Task.sleep(for: think * Double.random(in: 0...2)) }
        while clock.now < deadline {
            iteration += 1
            do {
                if iteration % 20 == 1 {
                    let started = clock.now
                    let (status, _) = try await send(.GET, "/review/\(batch)")
                    guard status == .ok else { screen.fail("screen answered \(status)"); continue }
                    screen.add((clock.now - started).seconds)
                }
                var started = clock.now
                let (status, body) = try await send(.GET, "/api/next?queue=batch:\(batch)")
                guard status == .ok else { next.fail("next answered \(status): \(body.prefix(200))"); continue }
                next.add((clock.now - started).seconds)
                let answer = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                guard let html = answer?["html"] as? String, let record = answer?["record"] as? String,
                    let pass = Self.attribute("data-pass", in: html), let version = Self.attribute("data-version", in: html)
                else { next.fail("no record left"); return }
                if think > .zero { try await Task.sleep(for: think * Double.random(in: 0.5...1.5)) }
                started = clock.now
                let (saved, reply) = try await send(
                    .POST, "/api/records/\(record)/verdict", body: #"{"verdict":"accept","pass":\#(pass),"version":\#(version)}"#,
                    contentType: "application/json")
                guard saved == .ok else { save.fail("save answered \(saved): \(reply.prefix(200))"); continue }
                save.add((clock.now - started).seconds)
                if think > .zero { try await Task.sleep(for: think * Double.random(in: 0.5...1.5)) }
            } catch {
                next.fail("\(error)")
            }
        }
    }
}

struct LoadFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

func runReviewLoad(base: String, annotators: Int, seconds: Double, batch: Int64, thinkMilliseconds: Int) async throws -> [String: Any] {
    var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
    // One connection per annotator, as each browser keeps its own.
    configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: annotators + 8)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let screen = LatencyLog()
    let next = LatencyLog()
    let save = LatencyLog()
    let clock = ContinuousClock()
    let people = try await withThrowingTaskGroup(of: SimulatedAnnotator.self) { group in
        for index in 1...annotators {
            group.addTask {
                var person = SimulatedAnnotator(http: http, base: base, name: "bench-\(index)", password: "bench-password-\(index)")
                try await person.signIn()
                return person
            }
        }
        return try await group.reduce(into: []) { $0.append($1) }
    }
    let think = Duration.milliseconds(thinkMilliseconds)
    let started = clock.now
    let deadline = started + .milliseconds(Int(seconds * 1000))
    await withTaskGroup(of: Void.self) { group in
        for person in people {
            group.addTask {
                var person = person
                await person.work(batch: batch, think: think, until: deadline, screen: screen, next: next, save: save)
            }
        }
    }
    let elapsed = (clock.now - started).seconds
    try await http.shutdown()
    let nextSummary = next.summary()
    let saves = save.summary()
    return [
        "scenario": "review-load", "annotators": annotators, "think_ms": thinkMilliseconds, "seconds": (elapsed * 100).rounded() / 100,
        "screen": screen.summary(), "next": nextSummary, "save": saves,
        "saves_per_second": ((Double(saves["requests"] as? Int ?? 0) / elapsed) * 10).rounded() / 10,
    ]
}
