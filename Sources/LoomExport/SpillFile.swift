import Foundation
import LoomCore

/// Lines a sink cannot write until the whole export has streamed past (they name records that may come later),
/// kept on disk instead of in memory and read back in order. Lines must not contain a line break.
final class SpillFile {
    let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    /// A new, empty spill file at `url` (replacing one a killed export left behind).
    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw LoomError(.export, "cannot create a scratch file (is the folder writable?)", subject: url.path)
        }
        handle = try FileHandle(forUpdating: url)
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends one line written by `body` (without its line break).
    func appendLine(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try drain() }
    }

    private func drain() throws {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw LoomError(.export, "cannot write: \(error.localizedDescription)", subject: url.path)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with each line in the order written (its bytes, without the line break).
    func forEachLine(_ body: (ArraySlice<UInt8>) throws -> Void) throws {
        try drain()
        try handle.seek(toOffset: 0)
        var pending: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let end = pending[start...].firstIndex(of: 0x0A) {
                try body(pending[start..<end])
                start = end + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try body(pending[...]) }
    }

    /// Closes and deletes the file.
    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
