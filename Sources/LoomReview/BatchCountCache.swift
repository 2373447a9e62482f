import Synchronization

/// Batch counts kept for a while, refreshed by one caller at a time.
///
/// Counting a batch scans the records table (about a second at a million records). When the counts of a batch
/// expire, the first caller recounts and every other caller meanwhile gets the expired counts, instead of every
/// annotator who opens the batch list at that moment scanning the table too.
final class BatchCountCache: Sendable {
    typealias Counts = (records: Int, accepted: Int, rejected: Int, adjudication: Int)

    /// What a caller should do for a batch's counts.
    enum Lookup {
        /// Counts to use as they are: fresh, or expired while another caller recounts.
        case use(Counts)
        /// Count, then `store` the result (or `abandon` on failure).
        case count
    }

    private struct Entry {
        var counts: Counts
        var validUntil: Double
        var recounting: Bool
    }

    /// How long counts are used before they are recounted.
    let seconds: Double
    private let entries = Mutex<[Int64: Entry]>([:])

    init(seconds: Double) {
        self.seconds = seconds
    }

    func lookup(batch: Int64, now: Double) -> Lookup {
        entries.withLock { entries in
            guard var entry = entries[batch] else { return .count }
            if entry.validUntil > now || entry.recounting { return .use(entry.counts) }
            entry.recounting = true
            entries[batch] = entry
            return .count
        }
    }

    func store(_ counts: Counts, batch: Int64, now: Double) {
        entries.withLock { $0[batch] = Entry(counts: counts, validUntil: now + seconds, recounting: false) }
    }

    /// A recount failed: the next caller tries again.
    func abandon(batch: Int64) {
        entries.withLock { $0[batch]?.recounting = false }
    }
}
