import Foundation

/// Mounts for the tests of full and read-only disks (a small tmpfs, a read-only bind mount). They need permission
/// to mount (root); the tests that use them are enabled only where `available` is true.
enum TestMounts {
    /// Runs `mount` with `arguments`; whether it succeeded.
    static func mount(_ arguments: [String]) -> Bool {
        run("/bin/mount", arguments)
    }

    /// Unmounts `path`; whether it succeeded.
    @discardableResult
    static func unmount(_ path: String) -> Bool {
        run("/bin/umount", [path])
    }

    /// Mounts `source` at `target` (made if missing) read-only; whether it succeeded.
    static func mountReadOnly(_ source: URL, at target: URL) -> Bool {
        try? FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        guard mount(["--bind", source.path, target.path]) else { return false }
        guard mount(["-o", "remount,bind,ro", target.path]) else {
            unmount(target.path)
            return false
        }
        return true
    }

    /// Whether this process may mount (a 1 MiB tmpfs is tried once).
    static let available: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("loom-mount-probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        guard mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.path]) else { return false }
        unmount(probe.path)
        return true
    }()

    private static func run(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
