import Foundation
import GRDB
import LoomCore

/// How a run store in a folder that cannot be written is opened: an archived run on a read-only mount, a shared
/// dataset folder without write permission. Status, stats, inspect, card and export only read the store; commands
/// that would write to it are refused with `refusal(_:)`.
///
/// SQLite reads a WAL database through its `-shm` index, which it must be able to create. A run that ended cleanly
/// leaves neither `-wal` nor `-shm`, so its store is opened as immutable (nothing else can be changing a read-only
/// file). A run that was killed leaves its `-wal` beside the store, holding committed work the file does not have
/// yet; that store is opened through its WAL, which works while the `-shm` is there to be read.
struct ReadOnlyStore {
    /// The store file.
    let store: URL
    /// Whether the store has a write-ahead log beside it (`store-wal`).
    let hasWriteAheadLog: Bool

    /// The read-only way to open the store of `directory`, or nil when the store should be opened to be written:
    /// it does not exist yet, or its folder and file can be written.
    init?(directory: URL, store: URL) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: store.path) else { return nil }
        // access(2) answers for a read-only mount and for missing permissions; root passes it on a writable folder.
        if manager.isWritableFile(atPath: directory.path) && manager.isWritableFile(atPath: store.path) { return nil }
        self.store = store
        hasWriteAheadLog = manager.fileExists(atPath: store.path + "-wal")
    }

    /// The URI SQLite opens an immutable store by (`SQLITE_CONFIG_URI` is on: `SQLiteSettings`).
    static func immutableURI(_ store: URL) -> String {
        // The path percent-encoded as a URI path: `?`, `#` and `%` in a folder name would otherwise end it.
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let path = store.path.addingPercentEncoding(withAllowedCharacters: allowed) ?? store.path
        return "file:\(path)?immutable=1"
    }

    /// Opens the store's connections read-only, its schema checked to be the one this Loom reads.
    func open(configuration: Configuration) throws -> DatabasePool {
        if hasWriteAheadLog && !FileManager.default.fileExists(atPath: store.path + "-shm") {
            throw LoomError(
                .store,
                "the run was stopped before it finished, and its work since is in \(store.lastPathComponent)-wal; SQLite reads that file only through an index (\(store.lastPathComponent)-shm) it must create, and the folder cannot be written. Copy the run folder somewhere writable and run the command there",
                subject: store.path)
        }
        var configuration = configuration
        configuration.readonly = true
        let pool = try DatabasePool(path: hasWriteAheadLog ? store.path : Self.immutableURI(store), configuration: configuration)
        let isCurrent = try pool.read { db in try StoreSchema.isCurrent(db) }
        guard isCurrent else {
            throw LoomError(
                .store,
                "the run store was made by an older Loom and must be brought up to date, which needs its folder to be writable; copy the run folder somewhere writable and run the command there",
                subject: store.path)
        }
        return pool
    }

    /// What a write to a store opened read-only throws.
    static func refusal(_ store: URL) -> LoomError {
        LoomError(
            .store,
            "the run folder cannot be written (a read-only mount or missing permissions), so its store was opened only to be read; this command writes to it. Copy the run folder somewhere writable, or fix the permissions",
            subject: store.path)
    }
}
