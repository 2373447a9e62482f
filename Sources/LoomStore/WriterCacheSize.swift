import GRDB
import Synchronization

/// The size of the writing connection's page cache, kept in step with the store's size.
///
/// SQLite allocates a cache page the first time it needs one and recycles pages only once the cache is full. A cache
/// much larger than what a run keeps touching (the hash-keyed indexes and the tails of the tables) fills with pages
/// that are never read again, each one fresh memory the kernel has to fault in and clear, which on a virtual machine
/// costs several times what reusing a page does. Too small a cache evicts index pages a batch has dirtied, and they
/// are written twice. So the cache is an eighth of the store, at least 4 MiB and at most 64 MiB.
///
/// The review app keeps the largest size from the start: its claims read records all over the file, and each page
/// the cache holds is a read saved.
final class WriterCacheSize: Sendable {
    static let minimumKiB = 4_096
    static let maximumKiB = 65_536
    /// The store's size divided by this is the cache size (before the bounds).
    static let divisor = 8

    /// The cache size last set, in KiB (0 before the first).
    private let applied = Mutex(0)
    /// Whether the size follows the store's, or stays at `maximumKiB`.
    private let growsWithStore: Bool

    init(growsWithStore: Bool) {
        self.growsWithStore = growsWithStore
    }

    /// The cache size for a store of `bytes`, in KiB: a whole number of MiB within the bounds.
    static func kibibytes(forStoreBytes bytes: Int) -> Int {
        let wanted = (bytes / divisor / 1_024 + 1_023) / 1_024 * 1_024
        return min(max(wanted, minimumKiB), maximumKiB)
    }

    /// Sets the writing connection's cache size for the store's current size, when that changes it.
    func update(_ db: Database) throws {
        var target = Self.maximumKiB
        if growsWithStore {
            let pages = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA page_count")) ?? 0
            let pageSize = try Int.fetchOne(db.cachedStatement(sql: "PRAGMA page_size")) ?? RunStore.pageSize
            target = Self.kibibytes(forStoreBytes: pages * pageSize)
        }
        // Only the writing connection calls this, one commit at a time; the size counts as set once SQLite took it.
        guard applied.withLock({ $0 != target }) else { return }
        try db.execute(sql: "PRAGMA cache_size = -\(target)")
        applied.withLock { $0 = target }
    }
}
