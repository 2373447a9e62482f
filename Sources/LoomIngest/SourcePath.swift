#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LoomCore

/// A file path as the file system has it: raw bytes (Linux names need not be UTF-8) plus a printable form.
///
/// Equality, hashing and ordering use the bytes alone; `display` is only for people. Paths order bytewise, which
/// is the order a folder walk visits names in.
public struct SourcePath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The path's bytes, without a trailing NUL.
    public var bytes: [UInt8]
    /// The path itself when it is valid UTF-8; otherwise each byte that is not part of a well-formed UTF-8
    /// sequence is shown as `\xNN` (so `caf\xE9.jpg` for a Latin-1 name; `printable`).
    public var display: String

    /// A path from text (always valid UTF-8).
    public init(_ string: String) {
        bytes = Array(string.utf8)
        while bytes.last == 0 { bytes.removeLast() }
        // Spelled as a path read from the disk is: a backslash doubled.
        display = bytes.contains(0x5C) ? SourcePath.printable(bytes) : string
    }

    /// A path from raw bytes as the file system gave them. Trailing NULs are dropped.
    public init(bytes: [UInt8]) {
        var bytes = bytes
        while bytes.last == 0 { bytes.removeLast() }
        self.bytes = bytes
        display = SourcePath.printable(bytes)
    }

    public var description: String { display }

    public static func == (a: SourcePath, b: SourcePath) -> Bool { a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
    public static func < (a: SourcePath, b: SourcePath) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// Calls `body` with the path as a NUL-terminated C string, for system calls.
    public func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        var terminated = bytes
        terminated.append(0)
        return try terminated.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// The path with `name` appended after a `/` (never doubled).
    public func appending(_ name: [UInt8]) -> SourcePath {
        var joined = bytes
        if !joined.isEmpty && joined.last != 0x2F { joined.append(0x2F) }
        joined.append(contentsOf: name)
        return SourcePath(bytes: joined)
    }

    /// The path with a relative path appended; an absolute `other` replaces this path.
    public func resolving(_ other: SourcePath) -> SourcePath {
        other.isAbsolute || bytes.isEmpty ? other : appending(other.bytes)
    }

    /// The last path component (the whole path when it has no `/`), trailing slashes ignored.
    public var lastComponent: [UInt8] {
        var end = bytes.count
        while end > 1 && bytes[end - 1] == 0x2F { end -= 1 }
        let start = bytes[..<end].lastIndex(of: 0x2F).map { $0 + 1 } ?? 0
        return Array(bytes[start..<end])
    }

    /// The folder holding this path: everything before the last `/`; "." when there is none.
    public var parent: SourcePath {
        var end = bytes.count
        while end > 1 && bytes[end - 1] == 0x2F { end -= 1 }
        guard let slash = bytes[..<end].lastIndex(of: 0x2F) else { return SourcePath(".") }
        return slash == 0 ? SourcePath("/") : SourcePath(bytes: Array(bytes[..<slash]))
    }

    /// True when the path starts at the root directory.
    public var isAbsolute: Bool { bytes.first == 0x2F }

    /// The file's size and modification time in nanoseconds (`stat`, following links), or nil when it cannot
    /// be read: what a resumed run compares to tell a file changed since it was ingested.
    public func stamp() -> (size: Int64, modified: Int64)? {
        withCString { FileStamp.of($0) }
    }

    /// Opens the file for reading through the raw bytes, without blocking (a FIFO named like an image does not
    /// hang the reader), and refuses anything but a regular file. Returns the descriptor (the caller closes it)
    /// and the size.
    func openRegularFile() throws -> (descriptor: Int32, size: Int) {
        let fd = withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else { throw IngestFileError(errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = IngestFileError(errno: errno)
            close(fd)
            throw error
        }
        if let kind = FileKind(mode: info.st_mode), kind != .regular {
            close(fd)
            throw kind == .directory
                ? IngestFileError(errno: EISDIR)
                : IngestFileError("not a regular file (\(kind.article))", kind: .notRegularFile)
        }
        return (fd, Int(info.st_size))
    }

    /// Reads the whole file: opened and read through the raw bytes, never through a lossy `String`.
    ///
    /// Opens without blocking (a FIFO named like an image does not hang the reader) and refuses anything but a
    /// regular file. Throws `IngestFileError` with a plain reason: "no such file", "permission denied",
    /// "is a directory", "not a regular file (a FIFO)", "file is larger than 1048576 bytes (…)", ….
    public func readAll(maxBytes: Int) throws -> [UInt8] {
        let (fd, size) = try openRegularFile()
        defer { close(fd) }
        if size > maxBytes {
            throw IngestFileError("file is larger than \(maxBytes) bytes (\(size) bytes)", kind: .tooLarge)
        }
        // Read to the end of the file even if it changed size since fstat, but never keep more than maxBytes:
        // the buffer has room for one byte more, which reveals a file that grew past the limit.
        var result = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while true {
            if filled == result.count {
                guard result.count <= maxBytes else { break }
                let more = Swift.min(Swift.max(result.count, 4096), maxBytes + 1 - result.count)
                result.append(contentsOf: repeatElement(0, count: more))
            }
            let count = result.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw IngestFileError(errno: errno)
            }
            if count == 0 { break }
            filled += count
        }
        if filled > maxBytes { throw IngestFileError("file is larger than \(maxBytes) bytes", kind: .tooLarge) }
        result.removeLast(result.count - filled)
        return result
    }

    /// `bytes` as text: well-formed UTF-8 sequences as they are, every other byte as `\xNN`, and a backslash as `\\`.
    /// The printable form is the file's key in the store, so no two names may read alike: a name holding the byte
    /// 0xE9 reads `\xE9`, one holding the four characters `\xE9` reads `\\xE9`.
    static func printable(_ bytes: [UInt8]) -> String {
        var out = ""
        var index = 0
        var runStart = 0
        let hex = Array("0123456789ABCDEF")
        while index < bytes.count {
            if bytes[index] == 0x5C {
                if runStart < index { out += String(decoding: bytes[runStart..<index], as: UTF8.self) }
                out += "\\\\"
                index += 1
                runStart = index
                continue
            }
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                index += length
                continue
            }
            if runStart < index { out += String(decoding: bytes[runStart..<index], as: UTF8.self) }
            let byte = bytes[index]
            out += "\\x\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            index += 1
            runStart = index
        }
        if runStart < index { out += String(decoding: bytes[runStart..<index], as: UTF8.self) }
        return out
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0 when there is none.
    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch lead {
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }
}
