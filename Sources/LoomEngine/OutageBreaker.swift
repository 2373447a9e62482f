import LoomLLM
import Synchronization

/// Tells an endpoint that is down or overloaded from items that fail, so that an outage neither burns through a
/// stage's items nor uses up their attempts.
///
/// A failure that is the endpoint's rather than the item's (no connection, a 5xx, a timeout or a rate limit after
/// every retry) is held back instead of being recorded at once. The next success shows the endpoint works: the
/// held failures are then the items' own and are recorded. `limit` of them in a row with no success between stop
/// the stage instead, and the held ones are never recorded: those items keep their attempts and are tried again
/// when the run is started again.
final class OutageBreaker: Sendable {
    /// One failure held back: the item, the reason, the raw reply if any.
    struct Held: Sendable {
        var item: String
        var reason: String
        var raw: String?
    }

    /// Failures in a row that stop the stage.
    let limit: Int
    private let held = Mutex<[Held]>([])

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

    /// Holds a failure back; true when it makes `limit` in a row (the stage must stop).
    func hold(_ failure: Held) -> Bool {
        held.withLock { list in
            list.append(failure)
            return list.count >= limit
        }
    }

    /// A success: the failures held so far are the items' own, to be recorded now.
    func succeeded() -> [Held] {
        held.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    /// The end of the stage without a stop: what is still held is recorded like any failure.
    func drain() -> [Held] { succeeded() }
}
