import Dispatch
import GRDBSQLite
import LoomCore
import Synchronization

/// Copies the write-ahead log into the database file on a thread and a connection of its own, while the writer
/// goes on committing.
///
/// SQLite's own automatic checkpoint runs inside the commit that makes the log long enough: that commit then
/// copies the log's pages and waits for two `fdatasync`s, and the run's producers wait behind it. Near the end of
/// a run that commit was the last one, and everything after the samples (the export index, the exports, the
/// content hash) waited for it. Here the writer's commits only count the log's frames (a WAL hook, which
/// replaces SQLite's automatic checkpoint) and hand the copying to this thread. Checkpoints are passive: they
/// never wait for readers or the writer.
///
/// Should this thread fall far behind (the log at `inlineFactor` times the threshold), the writer also tries a
/// checkpoint in its own commit, as SQLite would, so that the log stays bounded.
final class BackgroundCheckpointer: Sendable {
    /// Log frames after which a checkpoint starts.
    let thresholdFrames: Int32
    /// The log length, in thresholds, at which the writer also tries a checkpoint in its own commit.
    static let inlineFactor: Int32 = 4

    private let connection: Connection
    private let queue = DispatchQueue(label: "loom.store.checkpoint")
    /// Whether a checkpoint is queued or running, and whether the log grew past the threshold again meanwhile
    /// (then another follows at once, so that the last commits are not left waiting for the next trigger).
    private let state = Mutex<(running: Bool, again: Bool)>((false, false))

    /// The checkpointer's own SQLite connection, used only on its queue.
    private final class Connection: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { sqlite3_close_v2(handle) }
    }

    /// Opens a connection of its own to the database at `path`.
    init(path: String, thresholdFrames: Int) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw LoomError(.store, "cannot open a checkpoint connection: \(reason)", subject: path)
        }
        // The same durability as the writer: the log is synced before its pages are copied, the file after.
        sqlite3_exec(handle, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        connection = Connection(handle)
        self.thresholdFrames = Int32(max(1, thresholdFrames))
    }

    /// Installs the frame counter on the writer's connection, in place of SQLite's automatic checkpoint.
    /// The checkpointer must outlive the connection's commits (the store removes the hook before letting go).
    func install(on writer: OpaquePointer) {
        sqlite3_wal_hook(writer, { context, writer, name, frames in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue()
            checkpointer.committed(frames: frames, writer: writer, name: name)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Removes the frame counter and gives the writer back SQLite's automatic checkpoint.
    static func uninstall(from writer: OpaquePointer, autocheckpointPages: Int32) {
        sqlite3_wal_autocheckpoint(writer, autocheckpointPages)
    }

    /// Runs a checkpoint now, after any that is queued, and returns when it is done.
    ///
    /// - Throws: SQLite's reason when the copying fails (a full disk, say); the log keeps every page meanwhile.
    func checkpointNow() throws {
        let code = queue.sync { runCheckpoint() }
        guard code == SQLITE_OK || code == SQLITE_BUSY else {
            throw LoomError(.store, "checkpoint failed: \(String(cString: sqlite3_errstr(code)))")
        }
    }

    /// Returns once the checkpoints queued so far are done.
    func waitUntilIdle() {
        queue.sync {}
    }

    /// Called by the writer after each commit with the number of frames in the log.
    private func committed(frames: Int32, writer: OpaquePointer?, name: UnsafePointer<CChar>?) {
        guard frames >= thresholdFrames else { return }
        if frames >= thresholdFrames * Self.inlineFactor, let writer {
            // Far behind: the writer copies the log itself too (passive: if the checkpointer is copying, this gives
            // up at once, and the checkpointer's next round below takes these frames).
            sqlite3_wal_checkpoint_v2(writer, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
        let starts = state.withLock { state in
            if state.running { state.again = true }
            defer { state.running = true }
            return !state.running
        }
        guard starts else { return }
        queue.async { [self] in
            while true {
                _ = runCheckpoint()
                let more = state.withLock { state in
                    defer { state.again = false }
                    if !state.again { state.running = false }
                    return state.again
                }
                if !more { break }
            }
        }
    }

    /// A passive checkpoint through the checkpointer's connection; SQLite's result code. `SQLITE_BUSY` (another
    /// connection is checkpointing) only means the copying is already under way.
    private func runCheckpoint() -> Int32 {
        sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
