import LoomLLM
import Synchronization

/// Tells an endpoint that is down or overloaded from items that fail, so that an outage neither burns through a
/// stage's items nor uses up their attempts.
///
/// A failure that is the endpoint's rather than the item's (no connection, a 5xx, a timeout or a rate limit after
/// every retry) is held back instead of being recorded at once. A success of an item started after a failure
/// came shows the endpoint worked since: the failures held from before that start are then the items' own and are
/// recorded. (An item started earlier proves nothing: when the endpoint goes down mid-stage, items sent before
/// may still come back answered after the first failures.) `limit` held failures stop the stage instead, and
/// they are never recorded: those items keep their attempts and are tried again when the run is started again.
/// So does the end of a stage in which no item succeeded at all (a small stage against a server that is not
/// running fails fewer items than `limit`): what is held then is the endpoint's failure, not the items'.
final class OutageBreaker: Sendable {
    /// One failure held back: the item, the reason, the raw reply if any.
    struct Held: Sendable {
        var item: String
        var reason: String
        var raw: String?
        /// The kind of the endpoint's error (no connection, a 5xx…).
        var kind: ModelError.Kind?
        /// When the failure came, on the breaker's clock.
        var moment: UInt64 = 0
    }

    /// Failures in a row that stop the stage.
    let limit: Int
    private let state = Mutex<(clock: UInt64, held: [Held], anySuccess: Bool)>((0, [], false))

    /// A breaker for a stage that keeps up to `inFlight` requests going: as many failures as can be in flight at
    /// once (at least 8, at most 64) must come in a row before it trips.
    init(inFlight: Int) {
        limit = min(64, max(8, inFlight))
    }

    /// Whether `error` says more about the endpoint than about the item.
    static func isEndpointWide(_ error: ModelError) -> Bool {
        switch error.kind {
        case .transport, .timeout, .server, .rateLimited: true
        default: false
        }
    }

    /// The moment an item's first request is about to go out, for `succeeded(startedAt:)`.
    func started() -> UInt64 {
        state.withLock { state in
            state.clock += 1
            return state.clock
        }
    }

    /// Holds a failure back; true when `limit` are held (the stage must stop).
    func hold(_ failure: Held) -> Bool {
        state.withLock { state in
            state.clock += 1
            var failure = failure
            failure.moment = state.clock
            state.held.append(failure)
            return state.held.count >= limit
        }
    }

    /// A success of an item started at `start`: the failures held from before then are the items' own, to be
    /// recorded now.
    func succeeded(startedAt start: UInt64) -> [Held] {
        state.withLock { state in
            state.anySuccess = true
            let proven = state.held.filter { $0.moment < start }
            if !proven.isEmpty { state.held.removeAll { $0.moment < start } }
            return proven
        }
    }

    /// The end of the stage without a stop: what is still held, and whether any item succeeded in the stage. After
    /// a success the held failures are recorded like any failure; without one they stop the stage, unrecorded.
    func drain() -> (held: [Held], anySuccess: Bool) {
        state.withLock { state in
            defer { state.held.removeAll() }
            return (state.held, state.anySuccess)
        }
    }
}
