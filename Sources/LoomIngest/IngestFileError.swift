#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file or a whole source could not be read, in plain words. For one file: "permission denied",
/// "is a directory", "file is larger than … bytes", "no such file". For a source the reason names the file:
/// "instances_val2017.json: not COCO JSON (…)".
public struct IngestFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// The plain reason for a failed system call's `errno`.
    init(errno code: Int32) {
        self.init(IngestFileError.reason(errno: code))
    }

    static func reason(errno code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "is a directory"
        case ENOTDIR: return "no such file (a parent is not a directory)"
        case ELOOP: return "symbolic link loop"
        case ENAMETOOLONG: return "file name too long"
        case EMFILE, ENFILE: return "too many open files"
        case EIO: return "input/output error"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}

/// What kind of file a `stat` mode describes; `nil` for modes this code does not know.
enum FileKind: Equatable {
    case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice

    init?(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: return nil
        }
    }

    /// "a FIFO", "a socket", … for messages.
    var article: String {
        switch self {
        case .regular: return "a regular file"
        case .directory: return "a directory"
        case .symbolicLink: return "a symbolic link"
        case .fifo: return "a FIFO"
        case .socket: return "a socket"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        }
    }
}

/// `stat` (following links) or `lstat` on a path's raw bytes.
func fileStatus(_ path: SourcePath, followLinks: Bool) -> Result<stat, IngestFileError> {
    var info = stat()
    let status = path.withCString { followLinks ? stat($0, &info) : lstat($0, &info) }
    return status == 0 ? .success(info) : .failure(IngestFileError(errno: errno))
}

/// Why `path` cannot be used as an image file, or nil when it is a regular file (links followed).
func regularFileProblem(_ path: SourcePath) -> String? {
    switch fileStatus(path, followLinks: true) {
    case .failure(let error):
        if error.reason == "no such file", case .success = fileStatus(path, followLinks: false) {
            return "dangling symbolic link"
        }
        return error.reason
    case .success(let info):
        guard let kind = FileKind(mode: info.st_mode), kind != .regular else { return nil }
        return kind == .directory ? "is a directory" : "not a regular file (\(kind.article))"
    }
}
