import Foundation
import LoomCore

/// A file written through a buffer and moved into place only when complete, so an interrupted export never
/// leaves a half-written file where a trainer would read it.
final class ExportFile {
    let url: URL
    private let temporary: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(url: URL) throws {
        self.url = url
        temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw LoomError(.export, "cannot create the file (is the folder writable?)", subject: temporary.path)
        }
        handle = try FileHandle(forWritingTo: temporary)
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try drain() }
    }

    /// Appends bytes through `body`, which writes straight into the buffer.
    func write(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= 1 << 20 { try drain() }
    }

    private func drain() throws {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw LoomError(.export, "cannot write: \(error.localizedDescription)", subject: temporary.path)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and moves the file into place.
    func finish() throws {
        try drain()
        try handle.close()
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: temporary, to: url)
    }

    /// Closes and deletes the partial file.
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}
