import Foundation
import LoomCore
import LoomMedia
import LoomVideo

/// Copies of rotated and HDR videos that trainers' video loaders read as Loom read them, for exports that carry
/// videos (`ExportOptions.videos`).
///
/// A phone records portrait video as landscape frames with a rotation tag, and records HDR (HLG or PQ over
/// BT.2020) by default. Loom turns frames upright and tone-maps them when it reads them, but PyAV and decord (the
/// video loaders of LLaMA-Factory and most trainers) do neither: a video carried as it is would train on sideways
/// or washed-out pictures while its questions describe upright, natural ones. Each such video is re-encoded once,
/// front to back with one frame held at a time, into `videos/normalized/ID.mp4`: upright, SDR BT.709, at its frame
/// rate rounded to a whole number, without audio, through libx264 when libavcodec has it (else MPEG-4 Part 2), with
/// libavcodec's threads on every core.
/// Later exports reuse the file. Other videos are carried as they are.
enum NormalizedVideos {
    static let folder = "videos/normalized"
    /// Decoder and encoder threads (libavcodec's own): a video is re-encoded once, and an export waits for it.
    static let threads = ProcessInfo.processInfo.activeProcessorCount

    /// The normalized copy of each of `videos` that needs one, made now if an earlier export did not: video id →
    /// the copy as a medium (path relative to the run directory). A video that cannot be re-encoded is carried as
    /// it is, with a problem saying why.
    static func copies(
        of videos: [MediaItem], runDirectory: URL, problems: inout [String],
        progress: ((_ done: Int, _ total: Int, _ path: String) -> Void)? = nil
    ) -> [String: MediaItem] {
        var copies: [String: MediaItem] = [:]
        for (done, video) in videos.enumerated() {
            let source = runDirectory.appendingPathComponent(video.path).path
            do {
                let reader = try VideoReader(path: source, threads: threads)
                guard reader.info.rotation != 0 || reader.info.hdr != nil else { continue }
                let relative = "\(folder)/\(video.id).mp4"
                let target = runDirectory.appendingPathComponent(relative)
                let size = evenSize(reader.info.displayedSize)
                if !FileManager.default.fileExists(atPath: target.path) {
                    progress?(done, videos.count, video.path)
                    try encode(reader, size: size, to: target)
                }
                copies[video.id] = MediaItem(id: video.id, kind: .video, path: relative, format: "mp4", width: size.width, height: size.height)
            } catch {
                problems.append("video \(video.path) is carried as it is, rotated or HDR, since it could not be re-encoded: \(error)")
            }
        }
        return copies
    }

    /// 4:2:0 chroma needs even sides: an odd one loses its last row or column.
    private static func evenSize(_ size: (width: Int, height: Int)) -> (width: Int, height: Int) {
        (max(2, size.width - size.width % 2), max(2, size.height - size.height % 2))
    }

    private static func encode(_ reader: VideoReader, size: (width: Int, height: Int), to target: URL) throws {
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        // A name of its own: a recipe's exports run side by side and may re-encode the same video at once (the
        // last rename wins, with the same content).
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).partial.mp4")
        defer { try? FileManager.default.removeItem(at: partial) }
        let rate = min(120, max(1, Int(reader.info.frameRate.rounded())))
        let count = max(1, Int((reader.info.duration * Double(rate)).rounded()))
        let writer = try VideoWriter(
            path: partial.path, width: size.width, height: size.height, framesPerSecond: rate, codec: .h264, threads: threads)
        try reader.forEachFrame(at: (0..<count).map { Double($0) / Double(rate) }) { frame in
            try writer.append(cropped(frame.image, to: size))
        }
        try writer.finish()
        guard rename(partial.path, target.path) == 0 else {
            throw LoomError(.export, "cannot keep the re-encoded video: \(String(cString: strerror(errno)))", subject: target.path)
        }
    }

    private static func cropped(_ image: RGBImage, to size: (width: Int, height: Int)) -> RGBImage {
        guard image.width != size.width || image.height != size.height else { return image }
        guard image.width >= size.width, image.height >= size.height else {
            return Resampler.resize(image, width: size.width, height: size.height)
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(3 * size.width * size.height)
        for row in 0..<size.height {
            let start = 3 * row * image.width
            pixels += image.pixels[start..<(start + 3 * size.width)]
        }
        return RGBImage(width: size.width, height: size.height, pixels: pixels)
    }
}
