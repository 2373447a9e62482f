import Foundation
import LoomMedia
import Testing
@testable import LoomVideo

@Suite("Sampling at scene changes")
struct SceneChangeTests {
    /// A video of shots of 20 frames each at 10 fps, shot k filled with grey level `levels[k]`.
    static func shots(_ levels: [UInt8], name: String) throws -> String {
        let (width, height) = (64, 48)
        var raw = Data()
        for level in levels {
            for _ in 0..<20 { raw.append(contentsOf: [UInt8](repeating: level, count: width * height * 3)) }
        }
        let path = TestVideos.folder.appendingPathComponent(name).path
        let status = try TestVideos.ffmpeg(
            ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r", "10", "-i", "-", "-c:v", "mpeg4", "-q:v", "1", "-g", "7", path],
            input: raw)
        #expect(status == 0)
        return path
    }

    @Test("the first frame and the first frame of every shot, each showing its shot")
    func everyCut() throws {
        let reader = try VideoReader(path: try Self.shots([0, 255, 40], name: "cuts.mp4"))
        let frames = try reader.sample(.sceneChanges(threshold: 0.1, maxFrames: 8))
        #expect(frames.map(\.time).map { ($0 * 10).rounded() / 10 } == [0, 2, 4])
        let levels = frames.map { Int($0.image.pixels[($0.image.width * 24 + 32) * 3]) }
        #expect(zip(levels, [0, 255, 40]).allSatisfy { abs($0 - $1) <= 6 }, "\(levels)")
    }

    @Test("with more cuts than frames allowed, the sharpest cuts are kept, in time order")
    func sharpestCuts() throws {
        // Cuts: 0→255 (1.0), 255→200 (0.22), 200→0 (0.78).
        let reader = try VideoReader(path: try Self.shots([0, 255, 200, 0], name: "sharp.mp4"))
        let times = try reader.sceneChangeTimes(threshold: 0.1, maxFrames: 3)
        #expect(times.map { ($0 * 10).rounded() / 10 } == [0, 2, 6])
        #expect(try reader.sceneChangeTimes(threshold: 0.5, maxFrames: 10).map { ($0 * 10).rounded() / 10 } == [0, 2, 6])
        #expect(try reader.sceneChangeTimes(threshold: 0.1, maxFrames: 1) == [0])
    }

    @Test("a single steady shot gives its first frame only")
    func noCut() throws {
        let reader = try VideoReader(path: try Self.shots([90, 90], name: "steady.mp4"))
        #expect(try reader.sample(.sceneChanges(threshold: 0.2, maxFrames: 5)).count == 1)
    }
}
