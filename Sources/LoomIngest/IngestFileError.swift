#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import LoomCore

/// Why a file or a whole source could not be read: its kind (for grouping) and a plain reason. For one file:
/// "permission denied", "is a directory", "file is larger than … bytes", "no such file". For a source the reason
/// names the file: "instances_val2017.json: not COCO JSON (…)".
public struct IngestFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is, e.g. `.missingFile`, `.unreadableFile`, `.tooLarge`, `.unusableSource`.
    public var kind: RejectionKind
    /// The reason in plain words.
    public var reason: String

    /// An error of the given kind with the given reason.
    public init(_ reason: String, kind: RejectionKind) {
        self.reason = reason
        self.kind = kind
    }

    public var description: String { reason }

    /// The error for a failed system call's `errno`, with its plain reason and kind.
    init(errno code: Int32) {
        switch code {
        case ENOENT: self.init("no such file", kind: .missingFile)
        case ENOTDIR: self.init("no such file (a parent is not a directory)", kind: .missingFile)
        case EACCES, EPERM: self.init("permission denied", kind: .unreadableFile)
        case EISDIR: self.init("is a directory", kind: .notRegularFile)
        case ELOOP: self.init("symbolic link loop", kind: .symlinkLoop)
        case ENAMETOOLONG: self.init("file name too long", kind: .unreadableFile)
        case EMFILE, ENFILE: self.init("too many open files", kind: .unreadableFile)
        case EIO: self.init("input/output error", kind: .unreadableFile)
        default: self.init(String(cString: strerror(code)).lowercased(), kind: .unreadableFile)
        }
    }

    /// "no such file": the error for `ENOENT`.
    static let noSuchFile = IngestFileError(errno: ENOENT)

    /// The same problem with its reason reworded, e.g. prefixed with the file it concerns.
    func rephrased(_ reason: String) -> IngestFileError {
        IngestFileError(reason, kind: kind)
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
func regularFileProblem(_ path: SourcePath) -> IngestFileError? {
    switch fileStatus(path, followLinks: true) {
    case .failure(let error):
        if error == .noSuchFile, case .success = fileStatus(path, followLinks: false) {
            return IngestFileError("dangling symbolic link", kind: .missingFile)
        }
        return error
    case .success(let info):
        guard let kind = FileKind(mode: info.st_mode), kind != .regular else { return nil }
        return kind == .directory
            ? IngestFileError(errno: EISDIR) : IngestFileError("not a regular file (\(kind.article))", kind: .notRegularFile)
    }
}
