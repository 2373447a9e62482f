import Foundation
import LoomLLM
import LoomMockModel
import Synchronization
import Testing

/// A value behind a lock, as a class so that closures can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let time = Mutex<Double>(0)
    private let slept = Mutex<[Double]>([])

    var now: Double { time.withLock { $0 } }
    var sleeps: [Double] { slept.withLock { $0 } }

    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }

    var rateLimiterClock: RateLimiter.Clock {
        RateLimiter.Clock(
            now: { self.now },
            sleep: { seconds in
                self.slept.withLock { $0.append(seconds) }
                self.advance(seconds)
            })
    }
}

/// Yields until `condition` holds: waiting on other tasks without sleeping for a guessed time.
func eventually(_ condition: () -> Bool) async {
    var spins = 0
    while !condition() {
        await Task.yield()
        spins += 1
        if spins > 5_000_000 { return }
    }
}

@Suite struct AdaptiveConcurrencyTests {
    @Test func aBurstOf429sCutsOnceAndLaterOnesCutAgain() async throws {
        let clock = ManualClock()
        let gate = AdaptiveConcurrency(initial: 16, minimum: 2, maximum: 64, decreaseInterval: 1, now: { clock.now })
        for _ in 0..<8 { try await gate.acquire() }
        for _ in 0..<8 { gate.release(outcome: .rateLimited) }
        #expect(gate.limit == 8)
        clock.advance(1.5)
        for _ in 0..<2 { try await gate.acquire() }
        gate.release(outcome: .rateLimited)
        gate.release(outcome: .rateLimited)
        #expect(gate.limit == 4)
        clock.advance(2)
        try await gate.acquire()
        gate.release(outcome: .rateLimited)
        clock.advance(2)
        try await gate.acquire()
        gate.release(outcome: .rateLimited)
        #expect(gate.limit == 2)  // clamped at the minimum
        #expect(gate.inFlight == 0)
    }

    @Test func overloadCutsLikeA429AndOtherFailuresDoNot() async throws {
        let clock = ManualClock()
        let gate = AdaptiveConcurrency(initial: 16, minimum: 2, maximum: 64, decreaseInterval: 1, now: { clock.now })
        for _ in 0..<4 { try await gate.acquire() }
        gate.release(outcome: .otherFailure)
        #expect(gate.limit == 16)
        gate.release(outcome: .overloaded)
        gate.release(outcome: .overloaded)
        #expect(gate.limit == 8)
        clock.advance(1.5)
        gate.release(outcome: .overloaded)
        #expect(gate.limit == 4 && gate.inFlight == 0)
    }

    @Test func a503AndATimeoutLowerTheClientsConcurrency() async throws {
        let calls = Locked(0)
        try await withMockEndpoint({ (_: MockRequest) -> MockResponse in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            return call == 1 ? .error(status: 503, message: "server busy, please try again. maximum pending requests exceeded") : .completion(text: "4")
        }, configure: { $0.concurrency = 8 }) { server, client in
            let reply = try await client.complete(ChatRequest(model: "mock-model", messages: [.user("2+2?")]))
            #expect(reply.text == "4")
            #expect(client.statistics.concurrencyLimit == 4)
            #expect(server.requestCount == 2)
        }
    }

    @Test func successesGrowTheLimitByOnePerWindowUpToTheMaximum() async throws {
        let gate = AdaptiveConcurrency(initial: 4, minimum: 1, maximum: 6)
        for _ in 0..<3 {
            try await gate.acquire()
            gate.release(outcome: .success)
        }
        #expect(gate.limit == 4)
        try await gate.acquire()
        gate.release(outcome: .success)
        #expect(gate.limit == 5)  // after 4 successes
        for _ in 0..<5 {
            try await gate.acquire()
            gate.release(outcome: .success)
        }
        #expect(gate.limit == 6)
        for _ in 0..<50 {
            try await gate.acquire()
            gate.release(outcome: .success)
        }
        #expect(gate.limit == 6)  // clamped at the maximum
        try await gate.acquire()
        gate.release(outcome: .otherFailure)  // failures do not move the limit
        #expect(gate.limit == 6)
    }

    @Test func theConfigurationBoundsTheLimit() {
        let configuration = EndpointConfiguration(
            name: "e", baseURL: "http://x/v1", model: "m", concurrency: 500, minConcurrency: 2, maxConcurrency: 8)
        let gate = AdaptiveConcurrency(configuration: configuration)
        #expect(gate.limit == 500)
        #expect(gate.maximum == 500)
        let clamped = AdaptiveConcurrency(initial: 100, minimum: 1, maximum: 10)
        #expect(clamped.limit == 10)
    }

    @Test func acquireWaitsAtTheLimitAndWaitersAreServedInOrder() async throws {
        let gate = AdaptiveConcurrency(initial: 1, minimum: 1, maximum: 1)
        try await gate.acquire()
        let order = Locked<[Int]>([])
        var tasks: [Task<Void, any Error>] = []
        for number in 0..<4 {
            tasks.append(
                Task {
                    try await gate.acquire()
                    order.withLock { $0.append(number) }
                })
            await eventually { gate.waiting == number + 1 }
        }
        #expect(gate.waiting == 4)
        #expect(order.withLock { $0 }.isEmpty)
        for served in 1...4 {
            gate.release(outcome: .otherFailure)
            await eventually { order.withLock { $0.count } == served }
        }
        #expect(order.withLock { $0 } == [0, 1, 2, 3])
        for task in tasks { try await task.value }
        #expect(gate.inFlight == 1)
        gate.release(outcome: .success)
        #expect(gate.inFlight == 0)
    }

    @Test func aCancelledWaiterLeavesTheQueueWithoutASlot() async throws {
        let gate = AdaptiveConcurrency(initial: 1, minimum: 1, maximum: 1)
        try await gate.acquire()
        let first = Task { try await gate.acquire() }
        await eventually { gate.waiting == 1 }
        let second = Task { try await gate.acquire() }
        await eventually { gate.waiting == 2 }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(gate.waiting == 1)
        gate.release(outcome: .success)
        try await second.value
        #expect(gate.inFlight == 1)
        #expect(gate.waiting == 0)
        // An already-cancelled task never waits.
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await gate.acquire()
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(gate.inFlight == 1)
    }

    @Test func manyTasksThroughASmallGate() async throws {
        let gate = AdaptiveConcurrency(initial: 3, minimum: 1, maximum: 3)
        let peak = Locked<(now: Int, max: Int)>((0, 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await gate.acquire()
                    peak.withLock { $0.now += 1; $0.max = max($0.max, $0.now) }
                    await Task.yield()
                    peak.withLock { $0.now -= 1 }
                    gate.release(outcome: .success)
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.withLock { $0.max } <= 3)
        #expect(gate.inFlight == 0)
    }
}

@Suite struct RateLimiterTests {
    @Test func requestsPerMinuteWaitOnceTheBucketIsEmpty() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(requestsPerMinute: 60, tokensPerMinute: nil, clock: clock.rateLimiterClock)
        for _ in 0..<60 { try await limiter.acquire(estimatedTokens: 0) }
        #expect(clock.sleeps.isEmpty)
        let waited = try await limiter.acquire(estimatedTokens: 0)
        #expect(abs(waited - 1) < 1e-9)
        #expect(clock.sleeps.count == 1)
    }

    @Test func tokensPerMinuteAreCorrectedByRealUsage() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(requestsPerMinute: nil, tokensPerMinute: 6000, clock: clock.rateLimiterClock)
        try await limiter.acquire(estimatedTokens: 5000)
        // The call really used only 1000: 5000 remain, so 4000 more fit without waiting.
        limiter.correct(estimatedTokens: 5000, actualTokens: 1000)
        try await limiter.acquire(estimatedTokens: 4000)
        #expect(clock.sleeps.isEmpty)
        // 1000 remain; 3000 more leave a debt of 2000 tokens = 20 s at 100 tokens/s.
        let waited = try await limiter.acquire(estimatedTokens: 3000)
        #expect(abs(waited - 20) < 1e-6)
        // Using more than estimated deepens the debt.
        limiter.correct(estimatedTokens: 3000, actualTokens: 3500)
        let next = try await limiter.acquire(estimatedTokens: 0)
        #expect(abs(next - 5) < 1e-6)
    }

    @Test func noCeilingsMeansNoWaiting() async throws {
        let limiter = RateLimiter(requestsPerMinute: nil, tokensPerMinute: nil)
        #expect(limiter.isUnlimited)
        for _ in 0..<1000 { #expect(try await limiter.acquire(estimatedTokens: 1_000_000) == 0) }
    }

    @Test func estimatesCountTextAndImages() {
        let image = ChatImage(jpeg: Data(repeating: 1, count: 10))
        let request = ChatRequest(
            model: "m",
            messages: [.system(String(repeating: "a", count: 400)), ChatMessage(role: .user, parts: [.text("abcd"), .image(image)])])
        #expect(RateLimiter.estimatedTokens(for: request) == 101 + 800 + 8)
    }
}
