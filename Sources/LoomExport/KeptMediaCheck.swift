import Dispatch
import Foundation
import LoomCore
import LoomStore
import Synchronization

/// Checks, before an export carries them, that media the run keeps as links to the user's own files still hold
/// the bytes they came in with: their id is the SHA-256 of those bytes.
///
/// The run keeps each video (`videos/ID.EXT`) and each imported image (`media/ID.EXT`) as a hard link to the
/// user's file (or, for a video, a symbolic link where it cannot link), which costs no space; but a source
/// rewritten in place (`ffmpeg -y`, an editor's save, `rsync --inplace`, Pillow saving over its input) changes the
/// kept copy with it. Carried as it is, the new picture or clip would go out with the questions and answers made
/// from the old one; instead its records are left out, and the export says why.
enum KeptMediaCheck {
    /// The media whose file is missing or no longer hashes to its id, with the reason, by id. A medium with a
    /// stamp (`LinkedMediumStamp`) whose file still has that size and modification time is taken as unchanged
    /// without reading it; the others are hashed, on a few threads: reading the files is most of the work.
    static func changed(_ media: [MediaItem], stamps: [String: LinkedMediumStamp] = [:], runDirectory: URL) -> [String: String] {
        let checked = media.filter { $0.id.count == 64 && $0.id.allSatisfy(\.isHexDigit) }
        let found = Mutex<[String: String]>([:])
        DispatchQueue.concurrentPerform(iterations: checked.count) { index in
            let item = checked[index]
            let path = runDirectory.appendingPathComponent(item.path).path
            if let stamp = stamps[item.id], let now = FileStamp.of(path), now == (stamp.size, stamp.modified) { return }
            let (noun, arrival) = item.kind == .video ? ("video", "ingested") : ("image", "imported")
            let reason: String?
            do {
                reason = try StableID.sha256Hex(fileAt: path) == item.id
                    ? nil
                    : "\(noun) \(item.path) changed since it was \(arrival) (its source file was rewritten in place?); its records are left out. Put the original back, or \(item.kind == .video ? "run again to ingest" : "import again to bring in") the new file"
            } catch {
                reason = "\(noun) \(item.path) cannot be read (\(FileErrorReason.reason(error))); its records are left out"
            }
            if let reason { found.withLock { $0[item.id] = reason } }
        }
        return found.withLock { $0 }
    }
}
