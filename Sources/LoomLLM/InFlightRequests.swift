import Synchronization

/// Identical requests in flight at the same moment, sent once. The response cache answers a request whose reply
/// has arrived; one asked again while the first is still on its way (two items whose prompts are the same, sent
/// side by side) would otherwise be paid for twice.
public final class InFlightRequests: Sendable {
    private enum Outcome {
        case lead
        case reply(ChatReply)
        case leaderFailed
    }

    /// Callers waiting for a request in flight, by request key.
    private let waiting = Mutex<[String: [CheckedContinuation<Outcome, Never>]]>([:])

    public init() {}

    /// The reply to `request` through `model`. The first caller of its key sends it; callers that ask for the
    /// same key while it is in flight get that reply, marked `cached` (it was paid for once). A waiter whose
    /// leader failed sends its own request.
    public func reply(to request: ChatRequest, through model: any ChatModel) async throws -> ChatReply {
        let key = request.cacheKey
        // Joining or leading is decided under the lock, so that a leader that finishes at that moment either
        // finds this waiter or is not found by it.
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let leads = waiting.withLock { waiting -> Bool in
                if waiting[key] != nil {
                    waiting[key]!.append(continuation)
                    return false
                }
                waiting[key] = []
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch outcome {
        case .reply(var reply):
            reply.cached = true
            return reply
        case .leaderFailed:
            return try await model.complete(request)
        case .lead:
            let result: Result<ChatReply, any Error>
            do {
                result = .success(try await model.complete(request))
            } catch {
                result = .failure(error)
            }
            let waiters = waiting.withLock { $0.removeValue(forKey: key) ?? [] }
            let told: Outcome = (try? result.get()).map { .reply($0) } ?? .leaderFailed
            for waiter in waiters { waiter.resume(returning: told) }
            return try result.get()
        }
    }

    /// How many callers wait for the request with this key (for tests).
    func waiters(for key: String) -> Int {
        waiting.withLock { $0[key]?.count ?? 0 }
    }
}
