import CArchive
import Foundation
import LoomCore

/// A POSIX ustar archive written through libarchive, member by member, and moved into place when complete.
///
/// Members get mode 0644, owner 0:0 and modification time 0, so the same members give the same bytes.
final class TarArchive {
    let url: URL
    private let temporary: URL
    private var archive: OpaquePointer?
    /// The byte offset where the next member's header will start: ustar members are a 512-byte header and the
    /// data padded to a multiple of 512.
    private(set) var offset = 0

    init(url: URL) throws {
        self.url = url
        temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard let archive = archive_write_new() else { throw LoomError(.export, "libarchive could not start an archive") }
        self.archive = archive
        guard archive_write_set_format_ustar(archive) == ARCHIVE_OK,
            archive_write_open_filename(archive, temporary.path) == ARCHIVE_OK
        else {
            let reason = Self.message(archive)
            archive_write_free(archive)
            self.archive = nil
            throw LoomError(.export, "cannot create the archive: \(reason)", subject: temporary.path)
        }
    }

    /// Adds one regular file.
    func add(name: String, bytes: [UInt8]) throws {
        guard let archive else { throw LoomError(.export, "the archive is already closed", subject: url.path) }
        guard let entry = archive_entry_new() else { throw LoomError(.export, "libarchive could not make an entry") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_size(entry, la_int64_t(bytes.count))
        archive_entry_set_filetype(entry, loom_archive_regular_file())
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_mtime(entry, 0, 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        guard archive_write_header(archive, entry) == ARCHIVE_OK else {
            throw LoomError(.export, "cannot add \(name): \(Self.message(archive))", subject: temporary.path)
        }
        let written = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw LoomError(.export, "cannot write \(name): \(Self.message(archive))", subject: temporary.path)
        }
        offset += 512 + (bytes.count + 511) / 512 * 512
    }

    /// Writes the end-of-archive blocks, closes and moves the file into place.
    func finish() throws {
        guard let archive else { return }
        self.archive = nil
        let closed = archive_write_close(archive)
        let reason = Self.message(archive)
        archive_write_free(archive)
        guard closed == ARCHIVE_OK else { throw LoomError(.export, "cannot finish the archive: \(reason)", subject: temporary.path) }
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: temporary, to: url)
    }

    /// Closes and deletes the partial file.
    func abandon() {
        if let archive {
            archive_write_free(archive)
            self.archive = nil
        }
        try? FileManager.default.removeItem(at: temporary)
    }

    private static func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
