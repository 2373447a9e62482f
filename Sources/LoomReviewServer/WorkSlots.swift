import Synchronization

/// Lets a few heavy jobs run at once and queues the rest: a password check (a tenth of a second of a core and
/// scrypt's memory) or a photo's preview (a HEIC decoded whole). A burst of sign-ins, or of guesses from many
/// addresses, or a reviewer paging through phone photos, must not take every thread of the pool that serves the
/// reviewers' pages. Past `maxWaiting` queued, a job is turned away at once.
final class WorkSlots: Sendable {
    let limit: Int
    let maxWaiting: Int
    /// Jobs running, and the queued ones' continuations (resumed with true when their turn comes).
    private let state: Mutex<(running: Int, waiting: [CheckedContinuation<Bool, Never>])>

    init(limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
        state = Mutex((0, []))
    }

    /// Runs `body` in a slot; nil, without running it, when too many already wait.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        // One decision under one lock: a slot now, a place in the queue, or a refusal.
        let admitted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let decided: Bool? = state.withLock { state in
                if state.running < limit {
                    state.running += 1
                    return true
                }
                guard state.waiting.count < maxWaiting else { return false }
                state.waiting.append(continuation)
                return nil
            }
            if let decided { continuation.resume(returning: decided) }
        }
        guard admitted else { return nil }
        defer { release() }
        return try await body()
    }

    /// Hands the slot to the first waiting job, or frees it.
    private func release() {
        let next: CheckedContinuation<Bool, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            // The slot passes to the waiter as it is: `running` stays.
            return state.waiting.removeFirst()
        }
        next?.resume(returning: true)
    }

    /// Jobs running and waiting now (tests).
    var counts: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }
}
