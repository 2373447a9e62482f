import Foundation
import LoomMedia
import Testing
@testable import LoomVideo

@Suite("Writing videos with libavcodec")
struct VideoWriterTests {
    @Test("frames written are read back at their times, and the same frames give the same MPEG-4 bytes")
    func roundTrip() throws {
        func write(_ name: String, codec: VideoWriter.Codec = .mpeg4) throws -> (String, String) {
            let path = TestVideos.folder.appendingPathComponent(name).path
            let writer = try VideoWriter(path: path, width: 64, height: 48, framesPerSecond: 10, codec: codec)
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
        #expect(codec == "mpeg4")
        let (again, _) = try write("written-again.mp4")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: again)))
        // H.264 on request: read back the same way (its bytes may differ from run to run).
        let (h264, h264Codec) = try write("written-h264.mp4", codec: .h264)
        let h264Reader = try VideoReader(path: h264)
        #expect(h264Reader.info.codec == (h264Codec == "libx264" ? "h264" : "mpeg4") && h264Reader.info.frameCount == 30)
        #expect(try h264Reader.frames(at: [1.05]).map { TestVideos.index(of: $0.image, frames: 300) } == [100])
    }

    @Test("a portrait video 120 pixels wide, which libswscale's converters overrun by whole blocks, reads back right at its own size")
    func narrowFramesAtTheirOwnSize() throws {
        let path = TestVideos.folder.appendingPathComponent("narrow.mp4").path
        let writer = try VideoWriter(path: path, width: 120, height: 160, framesPerSecond: 10, codec: .h264)
        for index in 0..<20 {
            try writer.append(RGBImage(width: 120, height: 160, pixels: Array([[UInt8]](repeating: TestVideos.colour(index * 10), count: 120 * 160).joined())))
        }
        try writer.finish()
        let reader = try VideoReader(path: path)
        for _ in 0..<3 {
            let frames = try reader.frames(at: [0.05, 0.55, 1.05])
            #expect(frames.allSatisfy { $0.image.width == 120 && $0.image.height == 160 && $0.image.pixels.count == 3 * 120 * 160 })
            #expect(frames.map { TestVideos.index(of: $0.image, frames: 300) } == [0, 50, 100])
        }
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
