import Foundation
import GRDB
import GRDBSQLite
import LoomCore

/// An empty store with the current schema, kept in the user's cache folder: a new run's store starts as a copy
/// of it instead of running the schema's SQL.
///
/// Making the schema is some fifty statements that SQLite parses and runs one after another at the start of
/// every run (3.5–5.7 ms on one core, while the other waits), and their pages went through the write-ahead log
/// and were copied again by the run's last checkpoint. A copy skips both: with a template, the quickstart took
/// about 4 ms less (median of 61 alternating rounds; see BENCHMARKS.md). The template is made once per schema
/// from the first new store (`VACUUM INTO`), under a name that changes with every migration's SQL, the page
/// size and SQLite's version;
/// it is written under a temporary name and renamed into place, so no reader ever sees half of one. A template
/// that cannot be read or copied is passed over (and removed): the store is then made from the SQL as before.
public enum StoreTemplate {
    /// Where templates are kept: `$LOOM_CACHE_DIR`, else `$XDG_CACHE_HOME/loom`, else `~/.cache/loom`; nil when
    /// none can be told.
    public static var defaultFolder: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["LOOM_CACHE_DIR"], !folder.isEmpty { return URL(fileURLWithPath: folder) }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            return URL(fileURLWithPath: cache).appendingPathComponent("loom")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/loom")
    }

    /// The current template's file name.
    static let fileName = name(migrations: StoreSchema.migrations, pageSize: RunStore.pageSize)

    /// A template's file name: it names the schema (every migration's SQL), the page size and the SQLite library.
    static func name(migrations: [StoreSchema.Migration], pageSize: Int) -> String {
        var parts = migrations.flatMap { [$0.identifier, $0.sql] }
        parts.append(String(pageSize))
        parts.append(String(cString: sqlite3_libversion()))
        return StableID.derive("store-template", parts) + ".sqlite"
    }

    /// Copies the template in `folder` to `url` (a path with no file yet); false when there is none or it could
    /// not be copied (nothing is left at `url` then). The copy is made under a temporary name and linked into
    /// place, so that a process killed while copying leaves no half store for the next run to open, and a store
    /// another process made there meanwhile is never replaced (`link` fails where `rename` would overwrite).
    static func copy(from folder: URL, to url: URL) -> Bool {
        let template = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: template.path) else { return false }
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        do {
            try? FileManager.default.removeItem(at: partial)
            if !copyBytes(from: template.path, to: partial.path) {
                try? FileManager.default.removeItem(at: partial)
                try FileManager.default.copyItem(at: template, to: partial)
            }
            return link(partial.path, url.path) == 0
        } catch {
            return false
        }
    }

    /// Copies the bytes of the file at `source` into a new file at `destination` with `sendfile(2)`, inside the
    /// kernel; false when that fails (the caller then copies with `FileManager`). `FileManager.copyItem` also
    /// reads and copies the file's attributes, and took about three times as long for a template (0.5–1.2 ms
    /// against 0.2, on the single core a run starts on).
    private static func copyBytes(from source: String, to destination: String) -> Bool {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { return false }
        defer { close(input) }
        var status = stat()
        guard fstat(input, &status) == 0 else { return false }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { return false }
        var left = Int(status.st_size)
        while left > 0 {
            let sent = sendfile(output, input, nil, left)
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { break }
            left -= sent
        }
        return close(output) == 0 && left == 0
    }

    /// Removes the template in `folder` (one that a store could not be opened from).
    static func discard(in folder: URL) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(fileName))
    }

    /// Makes the template in `folder` from a store that holds the schema and nothing else, unless one is there;
    /// a failure (an unwritable folder, a full disk) only means the next store is made from the SQL again.
    static func make(in folder: URL, from pool: DatabasePool) {
        let template = folder.appendingPathComponent(fileName)
        guard !FileManager.default.fileExists(atPath: template.path) else { return }
        let partial = folder.appendingPathComponent(".\(fileName).\(getpid()).\(UUID().uuidString).partial")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [partial.path])
            }
            // The copy is in rollback-journal mode; a store opened in it would be switched to WAL with a write of
            // its own (and its `fsync`s) at the start of every run. Switched here, once.
            try DatabaseQueue(path: partial.path).writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            // rename(2) replaces a template another process made meanwhile with an equal one.
            guard rename(partial.path, template.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: partial)
        }
    }
}
