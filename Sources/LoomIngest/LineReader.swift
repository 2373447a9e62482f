#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line through `read(2)` and a fixed buffer, so a file of any size costs one line of memory.
///
/// Lines end at `\n`; a `\r` before it is dropped, and so is a UTF-8 byte order mark at the very start. The last
/// line needs no newline. Lines longer than `maxLineBytes` are not kept whole: `next()` returns them as
/// `.tooLong` (and the rest of the line is skipped) so one bad line cannot exhaust memory.
final class LineReader {
    enum Line {
        case text([UInt8])
        case tooLong
    }

    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var firstLine = true
    let maxLineBytes: Int
    /// The 1-based number of the line `next()` returned last.
    private(set) var lineNumber = 0

    /// Opens `path` for reading; throws `IngestFileError` with a plain reason.
    init(path: SourcePath, chunkSize: Int = 1 << 16, maxLineBytes: Int = 64 << 20) throws {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw IngestFileError(errno: errno) }
        var info = stat()
        if fstat(fd, &info) == 0, FileKind(mode: info.st_mode) == .directory {
            close(fd)
            throw IngestFileError(errno: EISDIR)
        }
        self.fd = fd
        buffer = [UInt8](repeating: 0, count: chunkSize)
        self.maxLineBytes = maxLineBytes
    }

    deinit { close(fd) }

    /// The next line, or nil at the end of the file.
    func next() throws -> Line? {
        var long: [UInt8] = []  // a line that outgrew the buffer
        var tooLong = false
        while true {
            if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
                let piece = buffer[start..<newline]
                start = newline + 1
                return finish(long: &long, piece: piece, tooLong: tooLong)
            }
            // No newline in the buffer: keep what there is and read more.
            if start < end {
                if !tooLong { long.append(contentsOf: buffer[start..<end]) }
                if long.count > maxLineBytes {
                    tooLong = true
                    long = []
                }
            }
            start = 0
            end = 0
            if atEOF {
                if long.isEmpty && !tooLong { return nil }
                return finish(long: &long, piece: buffer[0..<0], tooLong: tooLong)
            }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw IngestFileError(errno: errno)
            }
            if count == 0 { atEOF = true }
            end = count
        }
    }

    private func finish(long: inout [UInt8], piece: ArraySlice<UInt8>, tooLong: Bool) -> Line {
        lineNumber += 1
        defer { firstLine = false }
        if tooLong || long.count + piece.count > maxLineBytes { return .tooLong }
        var line = long.isEmpty ? Array(piece) : long + piece
        if line.last == 0x0D { line.removeLast() }
        if firstLine && line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        return .text(line)
    }
}
