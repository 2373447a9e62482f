import Dispatch
import Foundation
import LoomCore
import Synchronization

/// Checks, before an export carries them, that the run's kept videos (`videos/ID.EXT`) still hold the bytes they
/// were ingested with: their id is the SHA-256 of those bytes.
///
/// The run keeps each video as a hard link to the user's file (or a symbolic link, where it cannot link), which
/// costs no space, but a source rewritten in place (`ffmpeg -y`, an editor's save, `rsync --inplace`) changes the
/// kept copy with it. Carried as it is, the new clip would go out with the questions and answers made from the old
/// one; instead its records are left out, and the export says why.
enum KeptVideoCheck {
    /// The videos whose file is missing or no longer hashes to its id, with the reason, by id. Hashed on a few
    /// threads: reading the files is most of the work.
    static func changed(_ videos: [MediaItem], runDirectory: URL) -> [String: String] {
        let checked = videos.filter { $0.id.count == 64 && $0.id.allSatisfy(\.isHexDigit) }
        let found = Mutex<[String: String]>([:])
        DispatchQueue.concurrentPerform(iterations: checked.count) { index in
            let video = checked[index]
            let path = runDirectory.appendingPathComponent(video.path).path
            let reason: String?
            do {
                reason = try StableID.sha256Hex(fileAt: path) == video.id
                    ? nil
                    : "video \(video.path) changed since it was ingested (its source file was rewritten in place?); its records are left out. Put the original back, or run again to ingest the new file"
            } catch {
                reason = "video \(video.path) cannot be read (\(FileErrorReason.reason(error))); its records are left out"
            }
            if let reason { found.withLock { $0[video.id] = reason } }
        }
        return found.withLock { $0 }
    }
}
