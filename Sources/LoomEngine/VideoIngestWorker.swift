import Foundation
import LoomCore
import LoomGenerate
import LoomIngest
import LoomMedia
import LoomRecipe
import LoomStore
import LoomVideo

/// One video file the video stage will read.
struct VideoItem: Sendable {
    /// The file, printable (and openable: libav takes the same path).
    var path: String
    /// The path relative to the recipe's folder: the ledger item and the subject of messages.
    var subject: String
    /// Position in the sources' walk order, from 0.
    var ordinal: Int
    var annotations: VideoAnnotations?
    var sampling: FrameSampling
    /// Set when the file's bytes were hashed up front (files of equal size, to find exact copies).
    var knownID: String?
    /// The file's size and time just before that hash.
    var knownIDStamp: (size: Int64, modified: Int64)?
}

/// Reads one video on the calling (CPU worker) thread: hashes it, probes it, takes its frames, writes them as
/// content-addressed JPEGs, fits its annotations to its duration, and generates and checks the temporal questions
/// its annotations support. A video that cannot be used comes back as a failed ledger row and a rejection.
struct VideoIngestWorker: Sendable {
    let recipe: Recipe
    let runDirectory: URL
    let generator: TemplateGenerator

    static let stageName = Stage.video.rawValue

    /// The video's sample, frames and records; or, for a video that cannot be used, its failed ledger row and
    /// rejection. Throws only what stops the run (a checker disagreement under `on_disagreement: fail`).
    func make(_ item: VideoItem) throws -> StoreWrite {
        do {
            return try read(item)
        } catch let rejection as VideoRejection where rejection.kind == .cannotWrite {
            // The run directory refuses writes (a full disk, a read-only mount): every video after this one would
            // fail the same way, so the stage stops instead of rejecting them all.
            throw LoomError.cannotWriteRun(runDirectory, reason: rejection.reason)
        } catch let rejection as VideoRejection {
            return StoreWrite(
                ledger: [LedgerEntry(item: item.subject, stage: Self.stageName, status: .failed, error: rejection.reason)],
                rejections: [Rejection(subject: item.subject, stage: Self.stageName, kind: rejection.kind, reason: rejection.reason)])
        }
    }

    private struct VideoRejection: Error {
        var kind: RejectionKind
        var reason: String
    }

    private func read(_ item: VideoItem) throws -> StoreWrite {
        // Taken before the file is hashed (here, or when the stage looked for copies): if the kept video still has
        // it at the end, it holds the hashed bytes.
        let stampBefore = item.knownID == nil ? FileStamp.of(item.path) : item.knownIDStamp
        let videoID: String
        do {
            videoID = try item.knownID ?? StableID.sha256Hex(fileAt: item.path)
        } catch {
            throw VideoRejection(kind: .unreadableFile, reason: "cannot read the file: \(FileErrorReason.reason(error))")
        }
        let reader: VideoReader
        // Each frame is written as it is decoded: only one is held, whatever the frame count and size.
        var media: [MediaItem] = []
        var frameTimes: [Double] = []
        do {
            reader = try VideoReader(path: item.path)
            reader.longestSide = recipe.ingest.longestSide
            try reader.checkLength()
            guard reader.info.duration > 0 || item.sampling.isSceneChanges else {
                throw VideoError(.empty, "the video has zero duration")
            }
            try reader.forEachSample(item.sampling) { frame in
                // A video shorter than its sampling (one frame, a tenth of a second) gives the same frame for
                // several targets: it is kept once, so a record never shows "Frame 1" to "Frame 8" all alike.
                if let last = frameTimes.last, abs(frame.time - last) < 1e-9 { return }
                media.append(try keep(frame))
                frameTimes.append(frame.time)
            }
        } catch let error as VideoError {
            throw VideoRejection(kind: error.kind.rejectionKind, reason: error.message)
        }
        guard !media.isEmpty else { throw VideoRejection(kind: .emptyVideo, reason: "no frame could be taken from the video") }
        let info = reader.info
        var notes: [Rejection] = []
        if info.variableFrameRate {
            notes.append(Rejection(
                subject: item.subject, stage: Self.stageName, kind: .variableFrameRate,
                reason: "frames are not evenly spaced (average \(String(format: "%.2f", info.frameRate)) fps); frames were taken by their timestamps"))
        }
        if info.rotation != 0 {
            notes.append(Rejection(
                subject: item.subject, stage: Self.stageName, kind: .rotatedVideo,
                reason: "turned \(info.rotation)° for display: its frames were turned upright, and exports that carry videos carry an upright copy (PyAV and decord, the video loaders of LLaMA-Factory and most trainers, ignore the tag)"))
        }
        if let hdr = info.hdr {
            notes.append(Rejection(
                subject: item.subject, stage: Self.stageName, kind: .hdrVideo,
                reason: "\(hdr) over BT.2020: frames were tone-mapped to SDR BT.709 (reference white at 203 cd/m², highlights rolled off), and exports that carry videos carry a tone-mapped copy"))
        }
        let duration = max(info.duration, frameTimes.last ?? 0)
        var annotations = VideoAnnotations()
        if let given = item.annotations {
            let (fitted, problems) = VideoTimelineCheck.fit(given, duration: duration, subject: item.subject)
            annotations = fitted
            notes += problems.map { Rejection(subject: $0.subject, stage: Self.stageName, kind: $0.kind, reason: $0.reason) }
        }

        let truth = VideoTruth(videoID: videoID, duration: duration, frameTimes: frameTimes, annotations: annotations)
        let sample = Sample(
            id: StableID.derive("smp", String(recipe.seed), "video", videoID), kind: .sequence, ordinal: item.ordinal,
            media: media.map(\.id), truth: .video(truth))
        var records = try generator.records(for: sample, seed: StableID.seed(recipe.seed, sample.id, "generate"))
        try RecordChecking.check(&records, truth: sample.truth, policy: recipe.check.onDisagreement)
        let video = try keep(item, id: videoID, size: info.displayedSize)
        // Identical frames (a still shot) are one medium.
        var seen: Set<String> = []
        var write = StoreWrite(
            media: media.filter { seen.insert($0.id).inserted } + [video], samples: [sample], records: records,
            ledger: [LedgerEntry(item: item.subject, stage: Self.stageName, status: .done)], rejections: notes)
        write.sampleVideos = [sample.id: video.id]
        // A link to the user's file (not a copy, whose time is its own): an export compares this stamp instead of
        // hashing the whole video again (`KeptMediaCheck`).
        if let stampBefore, let now = FileStamp.of(runDirectory.appendingPathComponent(video.path).path), now == stampBefore {
            write.linkedMedia = [LinkedMediumStamp(mediaID: video.id, size: now.size, modified: now.modified)]
        }
        write.encode()
        return write
    }

    static let videoFolder = "videos"

    /// A frame as a content-addressed JPEG in the run's media folder.
    private func keep(_ frame: SampledFrame) throws -> MediaItem {
        let image = Resampler.downscale(frame.image, longestSide: recipe.ingest.longestSide)
        let bytes: [UInt8]
        do {
            bytes = try ImageEncoder.encodeJPEG(image, quality: recipe.ingest.jpegQuality)
        } catch {
            throw VideoRejection(kind: .corruptVideo, reason: "a frame at \(String(format: "%.2f", frame.time)) s could not be encoded: \(error)")
        }
        let id = StableID.sha256Hex(bytes)
        let path = "\(IngestWorker.mediaFolder)/\(id).jpg"
        do {
            try ContentFile.writeOnce(bytes, to: runDirectory.appendingPathComponent(path), what: "frame")
        } catch let error as LoomError {
            throw VideoRejection(kind: .cannotWrite, reason: error.description)
        }
        return MediaItem(id: id, kind: .frame, path: path, format: "jpeg", width: image.width, height: image.height)
    }

    /// The video file itself, kept in the run directory as `videos/ID.EXT` (a hard link where the filesystem
    /// allows, else a symbolic link to the original, else a copy) for exports that carry videos.
    private func keep(_ item: VideoItem, id: String, size: (width: Int, height: Int)) throws -> MediaItem {
        let suffix = item.path.split(separator: "/").last.flatMap { name in
            name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } : nil
        } ?? "mp4"
        let relative = "\(Self.videoFolder)/\(id).\(suffix)"
        let target = runDirectory.appendingPathComponent(relative).path
        // The file itself, not a link to it: a relative symbolic link would point elsewhere from `videos/`.
        let original = URL(fileURLWithPath: item.path).resolvingSymlinksInPath().path
        if !FileManager.default.fileExists(atPath: target) {
            try? FileManager.default.createDirectory(
                at: runDirectory.appendingPathComponent(Self.videoFolder), withIntermediateDirectories: true)
            if link(original, target) != 0 && errno != EEXIST && symlink(original, target) != 0 && errno != EEXIST {
                do {
                    try FileManager.default.copyItem(atPath: original, toPath: target)
                } catch {
                    throw VideoRejection(kind: .cannotWrite, reason: "cannot keep the video as \(target): \(FileErrorReason.reason(error))")
                }
            }
        }
        return MediaItem(id: id, kind: .video, path: relative, format: suffix, width: size.width, height: size.height)
    }

}

extension FrameSampling {
    var isSceneChanges: Bool {
        if case .sceneChanges = self { return true }
        return false
    }

    /// The sampling a recipe's video folder asks for.
    init(_ collection: VideoCollection) {
        switch collection.sampling {
        case .uniform: self = .uniform(count: collection.frames)
        case .rate: self = .rate(perSecond: collection.fps, maxFrames: collection.frames)
        case .scenes: self = .sceneChanges(threshold: collection.threshold, maxFrames: collection.frames)
        }
    }
}

extension VideoError.Kind {
    var rejectionKind: RejectionKind {
        switch self {
        case .unreadable, .decodeFailed: .corruptVideo
        case .noVideoStream: .noVideoStream
        case .unsupportedCodec: .unsupportedVideoCodec
        case .empty: .emptyVideo
        }
    }
}
