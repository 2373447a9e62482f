@testable import LoomReviewServer
import Synchronization
import Testing

@Suite("Heavy work a few jobs at a time")
struct WorkSlotsTests {
    @Test("past the limit jobs wait their turn, past the queue they are turned away, and every slot is given back")
    func slotsQueueAndRefuse() async throws {
        let slots = WorkSlots(limit: 1, maxWaiting: 1)
        let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
        let (gate, opener) = AsyncStream<Void>.makeStream()
        let order = Mutex<[String]>([])
        let first = Task { @Sendable in
            try await slots.run {
                order.withLock { $0.append("first") }
                enteredSignal.yield()
                for await _ in gate { break }
                return 1
            }
        }
        for await _ in entered { break }
        let second = Task { @Sendable in
            try await slots.run {
                order.withLock { $0.append("second") }
                return 2
            }
        }
        // The second check is queued behind the first (polled, not slept for: it queues as soon as it runs).
        for _ in 0..<1_000_000 where slots.counts.waiting < 1 { await Task.yield() }
        #expect(slots.counts == (running: 1, waiting: 1))
        // A third finds the queue full and is turned away without running.
        let third = try await slots.run { () async throws -> Int in
            order.withLock { $0.append("third") }
            return 3
        }
        #expect(third == nil)

        opener.yield()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        #expect(order.withLock { $0 } == ["first", "second"])
        #expect(slots.counts == (running: 0, waiting: 0))
    }

    @Test("a job that throws gives its slot back")
    func aThrowingCheckFreesItsSlot() async throws {
        struct Failure: Error {}
        let slots = WorkSlots(limit: 1, maxWaiting: 0)
        await #expect(throws: Failure.self) { _ = try await slots.run { () async throws -> Int in throw Failure() } }
        #expect(try await slots.run { 5 } == 5)
        #expect(slots.counts == (running: 0, waiting: 0))
    }
}
