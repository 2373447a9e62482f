#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's size and modification time: what tells that a file changed since it was read (a resumed ingest, an
/// export of images kept as links to the user's files).
public enum FileStamp {
    /// The size in bytes and the modification time in nanoseconds since 1970 of the file at `path` (`stat`,
    /// following links), or nil when it cannot be read.
    public static func of(_ path: UnsafePointer<CChar>) -> (size: Int64, modified: Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}
