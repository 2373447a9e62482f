import Foundation
import LoomIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh temporary directory for one test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array("\(NSTemporaryDirectory())/loom-ingest-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw IngestFileError("mkdtemp failed", kind: .unreadableFile) }
    let path = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Writes `text` to `path`, creating the folders on the way.
func writeFile(_ text: String, to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Creates a file whose name is raw bytes (need not be UTF-8) through open(2).
func writeRaw(_ contents: [UInt8], toBytes path: [UInt8]) throws {
    let fd = SourcePath(bytes: path).withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
    guard fd >= 0 else { throw IngestFileError("open failed: \(errno)", kind: .unreadableFile) }
    defer { close(fd) }
    _ = contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func makeSymlink(_ path: String, to target: String) throws {
    guard symlink(target, path) == 0 else { throw IngestFileError("symlink failed: \(errno)", kind: .unreadableFile) }
}

/// Everything a scan reported, in order.
struct ScanResult {
    var items: [SourceItem] = []
    var rejections: [SourceRejection] = []
}

func collect(_ scan: ((SourceItem) throws -> Void, (SourceRejection) throws -> Void) throws -> Void) throws -> ScanResult {
    var result = ScanResult()
    try scan({ result.items.append($0) }, { result.rejections.append($0) })
    return result
}
