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
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            if reason == EWOULDBLOCK {
                let owner = Self.owner(descriptor)
                close(descriptor)
                let who = owner.map { " (process \($0))" } ?? ""
                throw LoomError(
                    .usage,
                    "another Loom process (a run, an import or a mix) is writing to this run directory\(who); wait for it to end or stop it, then try again",
                    subject: directory.path)
            }
            // A file system without flock (some network mounts): the run goes on unguarded rather than not at all.
            close(descriptor)
            return RunLock(descriptor: -1)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return RunLock(descriptor: descriptor)
    }

    /// The process that holds the run lock of `directory` now, or nil when none does (or it cannot be told).
    ///
    /// Read from the kernel's table of locks (`/proc/locks`, Linux), matched by the lock file's device and inode,
    /// instead of by trying the lock: a try, however short, could make a run starting at that moment refuse to.
    public static func holder(in directory: URL, locks: String = "/proc/locks") -> Int32? {
        var status = stat()
        guard stat(directory.appendingPathComponent(fileName).path, &status) == 0, let table = readWhole(locks) else {
            return nil
        }
        // glibc's encoding of a device number (what its `major` and `minor` macros undo).
        let dev = UInt64(status.st_dev)
        let major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~UInt64(0xFFF))
        let minor = (dev & 0xFF) | ((dev >> 12) & ~UInt64(0xFF))
        let device = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(status.st_ino))
        for line in table.split(separator: "\n") {
            // "1: FLOCK  ADVISORY  WRITE 4139 fd:01:2623559 0 EOF"; a waiter's line has "->" after the number.
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE", fields[5] == device else { continue }
            return Int32(fields[4])
        }
        return nil
    }

    /// The whole of a file the kernel makes up as it is read: read until it says there is no more. A proc file's
    /// size is 0 and one read gives at most a page, so `String(contentsOfFile:)` saw only the first page of a
    /// busy machine's lock table.
    private static func readWhole(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
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
