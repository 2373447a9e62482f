import Foundation
import LoomMedia
import Testing
@testable import LoomVideo

@Suite("Writing videos with libavcodec")
struct VideoWriterTests {
    @Test("frames written are read back at their times, and the same frames give the same bytes")
    func roundTrip() throws {
        func write(_ name: String) throws -> (String, String) {
            let path = TestVideos.folder.appendingPathComponent(name).path
            let writer = try VideoWriter(path: path, width: 64, height: 48, framesPerSecond: 10)
            for index in 0..<30 {
                try writer.append(RGBImage(width: 64, height: 48, pixels: Array([[UInt8]](repeating: TestVideos.colour(index * 10), count: 64 * 48).joined())))
            }
            try writer.finish()
            return (path, writer.codecName)
        }
        let (path, codec) = try write("written.mp4")
        let reader = try VideoReader(path: path)
        #expect(abs(reader.info.duration - 3.0) < 0.05 && reader.info.frameCount == 30)
        #expect(reader.info.codec == (codec == "libx264" ? "h264" : "mpeg4"))
        let frames = try reader.frames(at: [0, 1.05, 2.95])
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 300) } == [0, 100, 290])
        let (again, _) = try write("written-again.mp4")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: again)))
    }

    @Test("odd sizes and frames of the wrong size are refused")
    func refusals() throws {
        #expect(throws: VideoError.self) {
            try VideoWriter(path: TestVideos.folder.appendingPathComponent("odd.mp4").path, width: 63, height: 48, framesPerSecond: 10)
        }
        let writer = try VideoWriter(path: TestVideos.folder.appendingPathComponent("size.mp4").path, width: 64, height: 48, framesPerSecond: 10)
        #expect(throws: VideoError.self) { try writer.append(RGBImage(width: 32, height: 32, pixels: [UInt8](repeating: 0, count: 32 * 32 * 3))) }
    }
}
