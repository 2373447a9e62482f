import LoomStore
import Synchronization

/// Queues found to have nothing left for a reviewer, remembered for a while.
///
/// Finding that a queue is empty walks every record of its batch (about a second at a million records) inside the
/// write transaction that every claim and verdict shares: a reviewer who keeps asking for the next record of a
/// finished batch would hold every other reviewer up. For `seconds` after a queue came up empty, asking again
/// answers "nothing left" at once; a record that frees up meanwhile (a lease running out) is offered after that.
final class EmptyQueueMemo: Sendable {
    private struct Key: Hashable {
        var queue: ReviewQueue
        var reviewer: String
    }

    /// How long an empty queue is taken to stay empty.
    let seconds: Double
    private let emptyUntil = Mutex<[Key: Double]>([:])

    init(seconds: Double) {
        self.seconds = seconds
    }

    /// Whether `queue` came up empty for `reviewer` less than `seconds` ago.
    func isEmpty(_ queue: ReviewQueue, for reviewer: String, now: Double) -> Bool {
        emptyUntil.withLock { entries in
            let key = Key(queue: queue, reviewer: reviewer)
            guard let until = entries[key] else { return false }
            if until > now { return true }
            entries[key] = nil
            return false
        }
    }

    /// Forgets that `queue` was empty for `reviewer` (records were given back to them).
    func forget(_ queue: ReviewQueue, for reviewer: String) {
        _ = emptyUntil.withLock { $0.removeValue(forKey: Key(queue: queue, reviewer: reviewer)) }
    }

    /// Records that `queue` has nothing left for `reviewer` now.
    func remember(_ queue: ReviewQueue, for reviewer: String, now: Double) {
        emptyUntil.withLock { $0[Key(queue: queue, reviewer: reviewer)] = now + seconds }
    }
}
