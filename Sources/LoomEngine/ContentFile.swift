import Foundation
import LoomCore

/// Files named by their content (media, thumbnails): written once, atomically, and left alone when already there,
/// so a worker may write one again after a crash, or two workers the same one, harmlessly.
enum ContentFile {
    /// Writes `bytes` to `url` unless a file is there. Throws `LoomError(.io)` naming the file and `what` it is.
    static func writeOnce(_ bytes: [UInt8], to url: URL, what: String) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw LoomError(.io, "cannot write the \(what): \(FileErrorReason.reason(error))", subject: url.path)
        }
    }
}
