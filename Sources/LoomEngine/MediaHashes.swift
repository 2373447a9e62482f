import Dispatch
import Foundation
import LoomCore
import LoomMedia
import LoomStore

/// Perceptual hashes for image-similarity linking: ingested images have theirs from the ingest; any other medium
/// (drawn scenes) is read, decoded and hashed once, on Dispatch threads, and the hash kept in the store.
enum MediaHashes {
    /// The hashes of `mediaIDs` (computing the missing ones), and how many media could not be hashed.
    static func complete(
        _ mediaIDs: Set<String>, store: RunStore, runDirectory: URL, threads: Int
    ) throws -> (hashes: [String: UInt64], unreadable: Int) {
        var hashes = try store.mediaHashes()
        let missing = mediaIDs.filter { hashes[$0] == nil }.sorted()
        guard !missing.isEmpty else { return (hashes, 0) }
        var paths: [String?] = []
        for id in missing { paths.append(try store.media(id: id).map { runDirectory.appendingPathComponent($0.path).path }) }
        let computed = UnsafeSendableSlots<UInt64>(count: missing.count)
        let workers = max(1, min(threads, missing.count))
        let (list, files) = (missing, paths)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: list.count, by: workers) {
                guard let path = files[index], let data = FileManager.default.contents(atPath: path),
                    let image = try? ImageDecoder.decode(Array(data), minimumLongestSide: 64).image
                else { continue }
                computed[index] = PerceptualHash.hash(image)
            }
        }
        var fresh: [(mediaID: String, hash: UInt64)] = []
        for (index, id) in missing.enumerated() {
            if let hash = computed[index] {
                hashes[id] = hash
                fresh.append((id, hash))
            }
        }
        try store.saveMediaHashes(fresh)
        return (hashes, missing.count - fresh.count)
    }
}
