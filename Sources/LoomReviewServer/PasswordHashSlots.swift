import Synchronization

/// Lets a few password checks run at once and queues the rest: each takes a tenth of a second of a core and
/// scrypt's memory, and a burst of sign-ins (or of guesses from many addresses) must not take every thread of the
/// pool that serves the reviewers' pages. Past `maxWaiting` queued, a sign-in is turned away at once.
final class PasswordHashSlots: Sendable {
    let limit: Int
    let maxWaiting: Int
    private let state: Mutex<(running: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
        state = Mutex((0, []))
    }

    /// Runs `body` in a slot; nil, without running it, when too many already wait.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        let admission: Admission = state.withLock { state in
            if state.running < limit {
                state.running += 1
                return .now
            }
            return state.waiting.count < maxWaiting ? .queued : .refused
        }
        switch admission {
        case .refused: return nil
        case .now: break
        case .queued:
            // Queued under the lock again: a slot freed meanwhile is taken at once instead of waited for.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.running < limit {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        defer { release() }
        return try await body()
    }

    /// Hands the slot to the first waiting check, or frees it.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            // The slot passes to the waiter as it is: `running` stays.
            return state.waiting.removeFirst()
        }
        next?.resume()
    }

    private enum Admission { case now, queued, refused }

    /// Checks running and waiting now (tests).
    var counts: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }
}
