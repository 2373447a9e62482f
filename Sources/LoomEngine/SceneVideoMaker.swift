import Foundation
import LoomCore
import LoomMedia
import LoomRecipe
import LoomScenes
import LoomVideo

/// Makes the procedural scene videos of a recipe in the run directory (`scene-videos/`): each a drawn frame
/// sequence played as a video (`SceneVideo`), encoded with libavcodec, and a `timeline.json` of their exact
/// segments. The video stage then reads them like the user's videos, sampling one frame at the start of each
/// step, so the frames it takes are the drawn scenes and every temporal answer has ground truth.
struct SceneVideoMaker: Sendable {
    let source: SceneVideoSource
    let seed: UInt64
    let runDirectory: URL
    let workers: CPUWorkers

    static let folder = "scene-videos"
    static let timelineFile = "timeline.json"

    /// The video folder the video stage reads: rate sampling at one frame per step.
    var collection: VideoCollection {
        VideoCollection(
            folder: runDirectory.appendingPathComponent(Self.folder).path, include: ["scene-video-*.mp4"],
            annotations: runDirectory.appendingPathComponent(Self.folder).appendingPathComponent(Self.timelineFile).path,
            // One spare frame: a cap at the step count would never be reached, whatever the container says.
            sampling: .rate, frames: source.steps.upperBound + 1, fps: 1 / source.stepSeconds)
    }

    /// Writes the videos not written yet and the timeline file. A video is written under a temporary name and
    /// renamed when complete, so an interrupted run leaves no half video behind.
    func make() async throws {
        let folder = runDirectory.appendingPathComponent(Self.folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (source, seed) = (source, seed)
        let timelines = try await withThrowingTaskGroup(of: (Int, [VideoSegment]).self) { group in
            for ordinal in 0..<source.count {
                group.addTask {
                    try await workers.run { (ordinal, try Self.write(ordinal, source: source, seed: seed, folder: folder)) }
                }
            }
            var timelines: [(Int, [VideoSegment])] = []
            for try await result in group { timelines.append(result) }
            return timelines.sorted { $0.0 < $1.0 }
        }
        var entries: [String: JSONValue] = [:]
        for (ordinal, segments) in timelines {
            entries[Self.fileName(ordinal)] = .object([
                "segments": .array(segments.map {
                    .object(["start": .number($0.start), "end": .number($0.end), "text": .string($0.text)])
                })
            ])
        }
        let url = folder.appendingPathComponent(Self.timelineFile)
        do {
            try Data(JSONValue.object(entries).jsonText.utf8).write(to: url, options: .atomic)
        } catch {
            throw LoomError(.io, "cannot write the scene videos' timeline: \(FileErrorReason.reason(error))", subject: url.path)
        }
    }

    static func fileName(_ ordinal: Int) -> String { "scene-video-\(ordinal).mp4" }

    /// One video's steps, from the seed alone.
    static func video(_ ordinal: Int, source: SceneVideoSource, seed: UInt64) -> SceneVideo {
        var settings = SceneSettings()
        settings.width = source.width
        settings.height = source.height
        var rng = SeededGenerator(seed: StableID.seed(seed, "scene-video", String(ordinal)))
        let steps = SceneComposer.sequence(settings, frames: rng.int(in: source.steps), rng: &rng)
        return SceneVideo(steps: steps, stepSeconds: source.stepSeconds, framesPerSecond: source.framesPerSecond)
    }

    /// Encodes video `ordinal` unless it is already there; returns its timeline.
    private static func write(_ ordinal: Int, source: SceneVideoSource, seed: UInt64, folder: URL) throws -> [VideoSegment] {
        let video = video(ordinal, source: source, seed: seed)
        let target = folder.appendingPathComponent(fileName(ordinal))
        if FileManager.default.fileExists(atPath: target.path) { return video.timeline() }
        let partial = folder.appendingPathComponent(".\(fileName(ordinal)).partial.mp4")
        do {
            let writer = try VideoWriter(path: partial.path, width: source.width, height: source.height, framesPerSecond: source.framesPerSecond)
            for index in 0..<video.frameCount {
                try writer.append(RGBImage(try SceneRenderer.render(video.scene(atFrame: index))))
            }
            try writer.finish()
            try FileManager.default.moveItem(at: partial, to: target)
        } catch let error as VideoError {
            throw LoomError(.io, "cannot encode the scene video: \(error.message)", subject: target.path)
        } catch let error as LoomError {
            throw error
        } catch {
            throw LoomError(.io, "cannot write the scene video: \(FileErrorReason.reason(error))", subject: target.path)
        }
        return video.timeline()
    }
}
