import Foundation
import LoomCore

/// The claim one `loom run` (or `loom import`, or `loom mix`) holds on the run directory it writes, so that a
/// second one started on the same directory (another terminal, an overlapping scheduled job) stops at once instead
/// of making, and paying for, the same items a second time.
///
/// The claim is an exclusive `flock(2)` on `.loom-run.lock` in the run directory. The kernel lets go of it when the
/// process ends in any way (`kill -9` included), so a crashed run never leaves a directory locked: the file stays,
/// but the lock does not. The file holds the owner's process id, for the message the second run gives.
///
/// Readers of a run (`loom status`, `loom export`, the review app) do not take it: they may work beside a run.
public final class RunLock: Sendable {
    /// The lock file's name inside a run directory.
    public static let fileName = ".loom-run.lock"

    /// The open lock file; closing it releases the lock. -1 when the file system offers no `flock`.
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// How many times `acquire` tries the lock before it gives up, and the pause between tries. A reader's probe
    /// (`holder(in:)`) holds a shared lock for microseconds; retrying for a moment keeps a probe that happens to
    /// meet a starting run from refusing it, while a run that really holds the lock is still reported within ~¼ s.
    private static let attempts = 10
    private static let pauseBetweenAttempts: useconds_t = 25_000

    /// Takes the run lock of `directory` (which must exist).
    ///
    /// - Throws: `LoomError(.usage)` naming the directory and the process that holds the lock when another run,
    ///   import or mix is writing there; `LoomError(.io)` when the lock file cannot be opened.
    public static func acquire(in directory: URL) throws -> RunLock {
        let path = directory.appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LoomError(.io, "cannot open the run lock: \(String(cString: strerror(errno)))", subject: path)
        }
        var attempt = 1
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let reason = errno
            if reason == EINTR { continue }
            guard reason == EWOULDBLOCK else {
                // A file system without flock (some network mounts): the run goes on unguarded rather than not at all.
                close(descriptor)
                return RunLock(descriptor: -1)
            }
            if attempt < attempts {
                attempt += 1
                usleep(pauseBetweenAttempts)
                continue
            }
            let owner = Self.owner(descriptor)
            close(descriptor)
            let who = owner.map { " (process \($0))" } ?? ""
            throw LoomError(
                .usage,
                "another Loom process (a run, an import or a mix) is writing to this run directory\(who); wait for it to end or stop it, then try again",
                subject: directory.path)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return RunLock(descriptor: descriptor)
    }

    /// The process that holds the run lock of `directory` now, or nil when none does. When a run holds it but its
    /// process id cannot be read (the moment between taking the lock and writing the id), 0.
    ///
    /// Found by trying a shared lock on the lock file, which fails while a run holds its exclusive one. (The
    /// kernel's table of locks, `/proc/locks`, was read before: on a busy machine it changes between the page-sized
    /// reads it takes, so a line could be missed; and in containers its device numbers need not match `stat`'s.)
    public static func holder(in directory: URL) -> Int32? {
        let descriptor = open(directory.appendingPathComponent(fileName).path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_SH | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            return errno == EWOULDBLOCK ? (owner(descriptor) ?? 0) : nil
        }
        _ = flock(descriptor, LOCK_UN)
        return nil
    }

    /// The process id the lock file names, if it names one.
    private static func owner(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit {
        // Closing the file releases the lock; the file itself stays (removing it could let a third process lock a
        // new file while a second still holds the old one).
        if descriptor >= 0 { close(descriptor) }
    }
}
