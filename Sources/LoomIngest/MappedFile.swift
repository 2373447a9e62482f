#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory: the kernel pages it in as it is read, so a file of hundreds of
/// megabytes costs address space, not heap.
final class MappedFile {
    private let address: UnsafeMutableRawPointer?
    private let size: Int

    /// Maps `path`; throws `IngestFileError` with a plain reason.
    init(path: SourcePath) throws {
        let (fd, size) = try path.openRegularFile()
        defer { close(fd) }
        self.size = size
        guard size > 0 else {
            address = nil
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw IngestFileError(errno: errno) }
        address = mapped
    }

    deinit {
        if let address { munmap(address, size) }
    }

    /// Calls `body` with the file's bytes (empty for an empty file); they stay valid only during the call.
    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard let address else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size))
    }
}
