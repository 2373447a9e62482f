import Foundation
import LoomCore
import LoomMedia
import LoomScenes
import Testing

/// A manual aid, not a check: with `LOOM_SCENE_DUMP=/some/dir` set, writes sample scenes there as PNG files
/// (to look at) and prints how long composing, rendering and encoding take. Skipped otherwise.
@Suite struct SceneSampleDump {
    static let directory = ProcessInfo.processInfo.environment["LOOM_SCENE_DUMP"]

    @Test(.enabled(if: directory != nil))
    func writeSamplesAndTimings() throws {
        let directory = URL(fileURLWithPath: Self.directory!)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let settings = SceneSettings()

        for seed in 0..<8 {
            var rng = SeededGenerator(seed: UInt64(seed))
            let scene = SceneComposer.single(settings, rng: &rng)
            try write(scene, to: directory.appendingPathComponent("single-\(seed).png"))
        }
        var rng = SeededGenerator(seed: 100)
        let pair = SceneComposer.pair(settings, rng: &rng)
        try write(pair.first, to: directory.appendingPathComponent("pair-a.png"))
        try write(pair.second, to: directory.appendingPathComponent("pair-b.png"))
        print("pair change: \(pair.change)")
        let frames = SceneComposer.sequence(settings, frames: 6, rng: &rng)
        for (index, frame) in frames.enumerated() {
            try write(frame, to: directory.appendingPathComponent("sequence-\(index).png"))
        }

        // Timings over many scenes (meaningful in release builds).
        var scenes: [SceneTruth] = []
        let clock = ContinuousClock()
        let composing = clock.measure {
            for seed in 0..<100 {
                var rng = SeededGenerator(seed: UInt64(1000 + seed))
                scenes.append(SceneComposer.single(settings, rng: &rng))
            }
        }
        var buffers: [PixelBuffer] = []
        let rendering = try clock.measure { buffers = try scenes.map(SceneRenderer.render) }
        var pngBytes = 0
        let png = try clock.measure {
            for buffer in buffers { pngBytes += try ImageEncoder.encode(buffer, format: .png).count }
        }
        var jpegBytes = 0
        let jpeg = try clock.measure {
            for buffer in buffers { jpegBytes += try ImageEncoder.encode(buffer, format: .jpeg).count }
        }
        func perScene(_ duration: Duration) -> String {
            let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
            return String(format: "%.2f ms", ms / Double(scenes.count))
        }
        print("per scene: compose \(perScene(composing)), render \(perScene(rendering)), "
            + "png \(perScene(png)) (\(pngBytes / scenes.count / 1024) KiB), "
            + "jpeg \(perScene(jpeg)) (\(jpegBytes / scenes.count / 1024) KiB)")
        var frameRng = SeededGenerator(seed: 7)
        let sequenceTime = clock.measure {
            for _ in 0..<20 { _ = SceneComposer.sequence(settings, frames: 16, rng: &frameRng) }
        }
        print("per 16-frame sequence: compose \(perScene(sequenceTime * 5))")
    }

    private func write(_ scene: SceneTruth, to url: URL) throws {
        let bytes = try ImageEncoder.encode(try SceneRenderer.render(scene), format: .png)
        try Data(bytes).write(to: url)
    }
}
