import Foundation
import LoomMedia
import Testing
@testable import LoomVideo

/// Videos made by the ffmpeg command-line tool (Debian's ffmpeg, installed by the test command) from frames
/// whose colour tells their index, so a sampled frame proves which frame it is.
enum TestVideos {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-video-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The colour of frame `index` (up to 1,200 frames): red for index / 20 % 20, green for index % 20, in steps of
    /// 11; blue for index / 400, in steps of 60.
    static func colour(_ index: Int) -> [UInt8] {
        [UInt8(20 + index / 20 % 20 * 11), UInt8(20 + index % 20 * 11), UInt8(68 + index / 400 * 60)]
    }

    /// Runs ffmpeg with `arguments`, feeding `input` on standard input.
    @discardableResult
    static func ffmpeg(_ arguments: [String], input: Data? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-loglevel", "error", "-y"] + arguments
        let pipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let input {
            try pipe.fileHandleForWriting.write(contentsOf: input)
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `frames` frames of `width`×`height` at `fps`, frame i all `colour(i)`, as MPEG-4 Part 2 in MP4.
    static func graySteps(
        frames: Int, fps: Int, width: Int = 64, height: Int = 48, name: String, codec: [String] = ["-c:v", "mpeg4", "-q:v", "1", "-g", "12"],
        extra: [String] = []
    ) throws -> String {
        var raw = Data(capacity: frames * width * height * 3)
        for index in 0..<frames {
            let pixel = colour(index)
            for _ in 0..<(width * height) { raw.append(contentsOf: pixel) }
        }
        let path = folder.appendingPathComponent(name).path
        let status = try ffmpeg(
            ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r", "\(fps)", "-i", "-",
            ] + codec + extra + [path],
            input: raw)
        #expect(status == 0, "ffmpeg could not make \(name)")
        return path
    }

    /// Which frame an image shows, from its colour (nil when no frame's colour is within 5 levels).
    static func index(of image: RGBImage, frames: Int) -> Int? {
        let offset = (image.height / 2 * image.width + image.width / 2) * 3
        let (red, green, blue) = (Int(image.pixels[offset]), Int(image.pixels[offset + 1]), Int(image.pixels[offset + 2]))
        func distance(_ index: Int) -> Int {
            let expected = colour(index)
            return max(abs(Int(expected[0]) - red), abs(Int(expected[1]) - green), abs(Int(expected[2]) - blue) / 6)
        }
        return (0..<frames).min { distance($0) < distance($1) }.flatMap { distance($0) <= 5 ? $0 : nil }
    }
}

@Suite("Reading videos with libavformat and libavcodec")
struct VideoReaderTests {
    @Test func probeReportsDurationRateSizeAndCodec() throws {
        let path = try TestVideos.graySteps(frames: 100, fps: 25, name: "probe.mp4")
        let info = try VideoReader(path: path).info
        #expect(abs(info.duration - 4.0) < 0.05)
        #expect(abs(info.frameRate - 25) < 0.01)
        #expect(info.width == 64 && info.height == 48 && info.rotation == 0)
        #expect(info.codec == "mpeg4")
        #expect(info.frameCount == 100)
        #expect(!info.variableFrameRate)
    }

    @Test func uniformSamplingTakesTheFrameShowingAtEachPartsMiddle() throws {
        let path = try TestVideos.graySteps(frames: 100, fps: 25, name: "uniform.mp4")
        let reader = try VideoReader(path: path)
        let times = FrameSampling.uniform(count: 8).times(duration: reader.info.duration)
        let frames = try reader.frames(at: times)
        #expect(frames.count == 8)
        for (frame, target) in zip(frames, times) {
            // The frame on screen at the target: index floor(target × 25).
            let expected = Int((target * 25 + 1e-6).rounded(.down))
            #expect(abs(frame.time - Double(expected) / 25) < 1e-6)
            #expect(TestVideos.index(of: frame.image, frames: 100) == expected, "target \(target)")
            #expect(frame.image.width == 64 && frame.image.height == 48)
        }
    }

    @Test func longH264WithBFramesIsDecodedWithoutLosingAFrame() throws {
        // 400 frames (more than the probe reads ahead), B-frames and a keyframe every 100: every sampled frame must
        // be the right one, which needs every packet decoded in order from the first.
        let path = try TestVideos.graySteps(
            frames: 400, fps: 25, name: "long.mp4", codec: ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", "-bf", "2", "-g", "100"])
        let reader = try VideoReader(path: path)
        #expect(reader.info.codec == "h264" && reader.info.frameCount == 400)
        let times = FrameSampling.uniform(count: 10).times(duration: reader.info.duration)
        let frames = try reader.frames(at: times)
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 400) } == times.map { Int(($0 * 25 + 1e-6).rounded(.down)) })
        #expect(reader.decodedFrames >= 380)
        // A second pass over the same reader starts from the beginning again.
        #expect(try reader.frames(at: [0]).map { TestVideos.index(of: $0.image, frames: 400) } == [0])
    }

    @Test("H.264 in MPEG-TS, a camcorder's clip shorter than one GOP and one with a keyframe a second, is read from its first frame",
        arguments: [("camcorder.m2ts", "250"), ("keyframes.ts", "25")])
    func transportStreamsAreReadFromTheStart(name: String, gop: String) throws {
        let path = try TestVideos.graySteps(
            frames: 75, fps: 25, name: name, codec: ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", "-g", gop])
        let reader = try VideoReader(path: path)
        try reader.checkLength()
        let frames = try reader.frames(at: FrameSampling.rate(perSecond: 1, maxFrames: 10).times(duration: reader.info.duration))
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 75) } == [0, 25, 50])
        #expect(frames.map { ($0.time * 25).rounded() } == [0, 25, 50])
    }

    @Test("a Matroska file whose timestamps start at 10 s is as long as its frames, not cut off")
    func matroskaWithLateTimestampsIsWhole() throws {
        let path = try TestVideos.graySteps(
            frames: 50, fps: 25, name: "late.mkv", codec: ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p"],
            extra: ["-output_ts_offset", "10"])
        let reader = try VideoReader(path: path)
        try reader.checkLength()
        #expect(abs(reader.info.duration - 2) < 0.05 && reader.info.frameCount == 50)
        let frames = try reader.frames(at: [0, 1])
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 50) } == [0, 25])
    }

    @Test func oneFramePerSecondAsMIMICITSampled() throws {
        let path = try TestVideos.graySteps(frames: 100, fps: 25, name: "rate.mp4")
        let reader = try VideoReader(path: path)
        let frames = try reader.frames(at: FrameSampling.rate(perSecond: 1, maxFrames: 100).times(duration: reader.info.duration))
        #expect(frames.map(\.time) == [0, 1, 2, 3])
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 100) } == [0, 25, 50, 75])
        // Past the cap, the frames spread over the whole video instead of stopping early.
        #expect(FrameSampling.rate(perSecond: 2, maxFrames: 4).times(duration: 10) == [1.25, 3.75, 6.25, 8.75])
        #expect(FrameSampling.rate(perSecond: 2, maxFrames: 20).times(duration: 10).count == 20)
        #expect(FrameSampling.rate(perSecond: 1, maxFrames: 4).times(duration: 4.0004) == [0, 1, 2, 3], "a hair over is not over")
    }

    @Test func aPhoneVideosRotationIsAppliedToTheFrames() throws {
        // As a phone writes it: landscape frames and a display matrix. ffmpeg 5.1 stores the tag rotate=270 as a
        // matrix that turns 270° counter-clockwise, which players (ffmpeg's autorotate among them) show turned 90°
        // clockwise, as an iPhone's portrait video.
        let upright = try TestVideos.graySteps(frames: 10, fps: 10, width: 64, height: 32, name: "landscape.mp4")
        let path = TestVideos.folder.appendingPathComponent("rotated.mp4").path
        #expect(try TestVideos.ffmpeg(["-i", upright, "-c", "copy", "-metadata:s:v:0", "rotate=270", path]) == 0)
        let reader = try VideoReader(path: path)
        #expect(reader.info.rotation == 90)
        #expect(reader.info.displayedSize == (width: 32, height: 64))
        let frames = try reader.frames(at: [0.5])
        #expect(frames.first?.image.width == 32 && frames.first?.image.height == 64)
        // Scaled while converting, then turned: the longest side is the displayed one's.
        reader.longestSide = 16
        let small = try reader.frames(at: [0.5])
        #expect(small.first?.image.width == 8 && small.first?.image.height == 16)
    }

    @Test func framesComeScaledDownToTheLongestSideWithTheirContent() throws {
        let path = try TestVideos.graySteps(frames: 50, fps: 25, width: 320, height: 240, name: "scaled.mp4")
        let reader = try VideoReader(path: path)
        reader.longestSide = 64
        let frames = try reader.frames(at: [0.2, 1.0, 1.9])
        #expect(frames.allSatisfy { $0.image.width == 64 && $0.image.height == 48 })
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 50) } == [5, 25, 47])
        reader.longestSide = 1000
        #expect(try reader.frames(at: [0.2]).first?.image.width == 320, "never scaled up")
    }

    @Test("HD (BT.709) and full-range videos keep their colours, as ffmpeg decodes them",
        arguments: [("bt709", "tv"), ("bt709", "pc"), ("smpte170m", "pc")])
    func coloursFollowTheVideosColourSpaceAndRange(matrix: String, range: String) throws {
        // A saturated colour, where BT.601 and BT.709 differ by tens of levels, near the ends of the range.
        let colour: [UInt8] = [214, 38, 52]
        let (width, height) = (64, 48)
        let raw = Data((0..<(width * height * 10)).flatMap { _ in colour })
        let name = "colour-\(matrix)-\(range).mkv"
        let path = TestVideos.folder.appendingPathComponent(name).path
        let space = matrix == "bt709" ? "bt709" : "smpte170m"
        let status = try TestVideos.ffmpeg(
            ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r", "10", "-i", "-",
             "-vf", "scale=out_color_matrix=\(matrix):out_range=\(range)", "-pix_fmt", "yuv420p",
             "-colorspace", space, "-color_range", range, "-c:v", "mpeg4", "-q:v", "1", path],
            input: raw)
        #expect(status == 0)
        let frame = try #require(try VideoReader(path: path).frames(at: [0.5]).first)
        let offset = (height / 2 * width + width / 2) * 3
        let got = Array(frame.image.pixels[offset..<offset + 3])
        #expect(zip(got, colour).allSatisfy { abs(Int($0) - Int($1)) <= 6 }, "decoded \(got) for \(colour)")
    }

    /// SDR colours for the HDR tests: a saturated red, a mid grey, a sky blue, in three columns of a 64×48 picture.
    static let hdrColours: [[UInt8]] = [[214, 38, 52], [128, 128, 128], [60, 160, 200]]

    static func hdrColour(atColumn x: Int) -> [UInt8] { hdrColours[x < 32 ? 0 : x < 48 ? 1 : 2] }

    /// Expects the HDR video at `path` (made with `ffmpeg` from `raw` frames by `arguments`) to be read as `hdr`
    /// and its middle frame, in the middle row of each column, to be the SDR colours.
    static func expectToneMapped(_ path: String, hdr: String, ffmpeg arguments: [String], raw: Data) throws {
        #expect(try TestVideos.ffmpeg(arguments + ["-c:v", "ffv1", path], input: raw) == 0)
        let reader = try VideoReader(path: path)
        #expect(reader.info.hdr == hdr)
        let frame = try #require(try reader.frames(at: [0.5]).first)
        let image = frame.image
        for x in [10, 40, 56] {
            let offset = (image.height / 2 * image.width + x) * 3
            let got = Array(image.pixels[offset..<offset + 3])
            let colour = hdrColour(atColumn: x)
            #expect(zip(got, colour).allSatisfy { abs(Int($0) - Int($1)) <= 6 }, "\(hdr): \(got) for \(colour)")
        }
    }

    @Test("PQ video (HDR10, BT.2020) made by ffmpeg's zscale from an SDR picture is tone-mapped back to that picture")
    func pqVideoIsToneMapped() throws {
        // zimg (zscale) turns the SDR colours into display light (BT.1886) with SDR white at 203 cd/m², the reference
        // white of ITU-R BT.2408, then into 10-bit PQ over BT.2020, stored with its colour tags.
        let (width, height) = (64, 48)
        let row = (0..<width).flatMap { Self.hdrColour(atColumn: $0) }
        let raw = Data((0..<(height * 10)).flatMap { _ in row })
        try Self.expectToneMapped(
            TestVideos.folder.appendingPathComponent("hdr-pq.mkv").path, hdr: "PQ",
            ffmpeg: ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)", "-r", "10", "-i", "-",
                     "-vf", "zscale=rin=full:tin=bt709:pin=bt709:min=bt709:t=linear:p=bt709:npl=203,format=gbrpf32le,"
                        + "zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv:npl=203,format=yuv420p10le",
                     "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-color_range", "tv"],
            raw: raw)
    }

    @Test("HLG video (BT.2100, as phones record it) is tone-mapped to the SDR picture its signal was computed from")
    func hlgVideoIsToneMapped() throws {
        // zimg applies HLG's system gamma per channel, an approximation; here the signal is computed by BT.2100's
        // own inverse (the gamma on luminance), from the SDR colours shown at 203 cd/m² on a 1,000 cd/m² display.
        func hlgSignal(_ colour: [UInt8]) -> (y: Double, cb: Double, cr: Double) {
            let display = colour.map { pow(Double($0) / 255, 2.4) * 203 }  // cd/m², BT.709 primaries
            let bt2020 = [
                0.6274 * display[0] + 0.3293 * display[1] + 0.0433 * display[2],
                0.0691 * display[0] + 0.9195 * display[1] + 0.0114 * display[2],
                0.0164 * display[0] + 0.0880 * display[1] + 0.8956 * display[2],
            ]
            let luminance = 0.2627 * bt2020[0] + 0.6780 * bt2020[1] + 0.0593 * bt2020[2]
            let gamma = 1.2
            let scene = bt2020.map { $0 / 1000 * pow(luminance / 1000, (1 - gamma) / gamma) }
            let (a, b) = (0.17883277, 1 - 4 * 0.17883277)
            let c = 0.5 - a * log(4 * a)
            let signal = scene.map { $0 <= 1.0 / 12 ? (3 * $0).squareRoot() : a * log(12 * $0 - b) + c }
            let y = 0.2627 * signal[0] + 0.6780 * signal[1] + 0.0593 * signal[2]
            return (y, (signal[2] - y) / 1.8814, (signal[0] - y) / 1.4746)
        }
        let (width, height) = (64, 48)
        let signals = (0..<width).map { hlgSignal(Self.hdrColour(atColumn: $0)) }
        func le16(_ value: Double) -> [UInt8] {
            let code = UInt16(value.rounded())
            return [UInt8(code & 0xFF), UInt8(code >> 8)]
        }
        // 10-bit limited range, 4:2:0: every 2×2 block is one colour, so chroma is the column's.
        let luma = (0..<height).flatMap { _ in signals.flatMap { le16(64 + 876 * $0.y) } }
        let cb = (0..<(height / 2)).flatMap { _ in stride(from: 0, to: width, by: 2).flatMap { le16(512 + 896 * signals[$0].cb) } }
        let cr = (0..<(height / 2)).flatMap { _ in stride(from: 0, to: width, by: 2).flatMap { le16(512 + 896 * signals[$0].cr) } }
        let raw = Data((0..<10).flatMap { _ in luma + cb + cr })
        try Self.expectToneMapped(
            TestVideos.folder.appendingPathComponent("hdr-hlg.mkv").path, hdr: "HLG",
            ffmpeg: ["-f", "rawvideo", "-pix_fmt", "yuv420p10le", "-s", "\(width)x\(height)", "-r", "10", "-i", "-",
                     "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc", "-color_range", "tv"],
            raw: raw)
    }

    @Test("the tone mapper keeps light up to 75% of SDR white, rolls brighter light off below white, keeps hue")
    func toneMapperCurve() {
        #expect(HDRToneMapper.rollOff(0.5) == 0.5)
        #expect(HDRToneMapper.rollOff(0.75) == 0.75)
        #expect(HDRToneMapper.rollOff(1) > 0.9 && HDRToneMapper.rollOff(1) < 1)
        #expect(HDRToneMapper.rollOff(1000 / 203) <= 1)
        #expect(HDRToneMapper.rollOff(2) > HDRToneMapper.rollOff(1.5))
        // PQ's reference points: 100 cd/m² at signal 0.508, 1,000 at 0.752.
        #expect(abs(HDRToneMapper.pqLuminance(0.5081) - 100) < 0.5)
        #expect(abs(HDRToneMapper.pqLuminance(0.7518) - 1000) < 5)
        // HLG's: signal 0.5 is scene light 1/12, signal 1 is scene light 1.
        #expect(abs(HDRToneMapper.hlgSceneLight(0.5) - 1.0 / 12) < 1e-9)
        #expect(abs(HDRToneMapper.hlgSceneLight(1) - 1) < 1e-6)
        // A highlight five times SDR white in pure red stays red: its channels keep their order and ratio.
        let pq = HDRToneMapper(transfer: .pq)
        let red: [UInt16] = [UInt16(0.85 * 65535), UInt16(0.2 * 65535), UInt16(0.2 * 65535)]
        let mapped = red.withUnsafeBufferPointer { pq.map($0) }
        #expect(mapped[0] > 200 && mapped[1] < mapped[0] / 2 && mapped[1] == mapped[2], "\(mapped)")
    }

    @Test func filesThatAreNotUsableVideosAreRefusedWithReasons() throws {
        // Audio only.
        let audio = TestVideos.folder.appendingPathComponent("sine.m4a").path
        #expect(try TestVideos.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", audio]) == 0)
        #expect { try VideoReader(path: audio) } throws: { ($0 as? VideoError)?.kind == .noVideoStream }
        // Not a video at all.
        let noise = TestVideos.folder.appendingPathComponent("noise.mp4")
        try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: noise)
        #expect { try VideoReader(path: noise.path) } throws: { ($0 as? VideoError)?.kind == .unreadable }
        // Truncated: the first half of an MP4 whose index (moov) is at the end.
        let whole = try Data(contentsOf: URL(fileURLWithPath: try TestVideos.graySteps(frames: 50, fps: 25, name: "whole.mp4")))
        let cut = TestVideos.folder.appendingPathComponent("cut.mp4")
        try whole.prefix(whole.count / 2).write(to: cut)
        #expect { try VideoReader(path: cut.path) } throws: { ($0 as? VideoError)?.kind == .unreadable }
        // Missing.
        #expect { try VideoReader(path: "/nonexistent/video.mp4") } throws: { ($0 as? VideoError)?.kind == .unreadable }
        // A song with its cover picture: the picture is a one-frame "video" stream, not footage.
        let cover = try TestVideos.graySteps(frames: 1, fps: 1, name: "cover.png", codec: ["-c:v", "png", "-frames:v", "1"])
        let song = TestVideos.folder.appendingPathComponent("song.m4a").path
        #expect(try TestVideos.ffmpeg([
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-i", cover, "-map", "0", "-map", "1", "-c:a", "aac",
            "-c:v", "png", "-disposition:v:0", "attached_pic", song,
        ]) == 0)
        #expect { try VideoReader(path: song) } throws: {
            ($0 as? VideoError)?.kind == .noVideoStream && "\($0)".contains("only a cover picture")
        }
    }

    @Test("a video cut off after its index (a faststart MP4 half downloaded) is refused, naming where it stops")
    func aCutOffVideoIsRefused() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: try TestVideos.graySteps(
            frames: 100, fps: 25, name: "faststart.mp4", extra: ["-movflags", "+faststart"])))
        let reader = try VideoReader(path: try TestVideos.graySteps(frames: 100, fps: 25, name: "faststart-whole.mp4", extra: ["-movflags", "+faststart"]))
        try reader.checkLength()
        #expect(abs(reader.info.duration - 4) < 0.1)
        let cut = TestVideos.folder.appendingPathComponent("faststart-cut.mp4")
        try whole.prefix(whole.count / 2).write(to: cut)
        let opened = try VideoReader(path: cut.path)  // the index at the front still describes 4 s
        #expect(abs(opened.info.duration - 4) < 0.1)
        #expect { try opened.checkLength() } throws: { error in
            (error as? VideoError)?.kind == .unreadable && "\(error)".contains("of the 4.0 s its header gives")
        }
    }

    @Test("a video whose header gives no duration (written through a pipe) takes it from its packets")
    func aVideoWithoutADurationIsMeasured() throws {
        let (width, height, frames) = (64, 48, 30)
        let raw = Data((0..<frames).flatMap { index in (0..<(width * height)).flatMap { _ in TestVideos.colour(index) } })
        let path = TestVideos.folder.appendingPathComponent("piped.mkv")
        FileManager.default.createFile(atPath: path.path, contents: nil)
        let output = try FileHandle(forWritingTo: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)",
            "-r", "10", "-i", "-", "-c:v", "mpeg4", "-q:v", "1", "-f", "matroska", "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: raw)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try output.close()
        #expect(process.terminationStatus == 0)

        let reader = try VideoReader(path: path.path)
        #expect(reader.info.duration == 0)  // a pipe cannot be gone back to, so the header was never finished
        try reader.checkLength()
        #expect(abs(reader.info.duration - 3) < 0.15)
        let sampled = try reader.sample(.uniform(count: 3))
        #expect(sampled.map { TestVideos.index(of: $0.image, frames: frames) } == [5, 15, 25])
    }

    @Test("a playlist named like a video is not followed to the files it lists")
    func playlistsAreNotFollowed() throws {
        let segment = try TestVideos.graySteps(frames: 20, fps: 10, name: "segment.ts", codec: ["-c:v", "mpeg2video", "-f", "mpegts"])
        let playlist = TestVideos.folder.appendingPathComponent("holiday.mp4")
        try """
            #EXTM3U
            #EXT-X-TARGETDURATION:2
            #EXTINF:2.0,
            \(segment)
            #EXT-X-ENDLIST
            """.write(to: playlist, atomically: true, encoding: .utf8)
        let concat = TestVideos.folder.appendingPathComponent("list.mkv")
        try "ffconcat version 1.0\nfile '\(segment)'\n".write(to: concat, atomically: true, encoding: .utf8)
        for file in [playlist, concat] {
            #expect { try VideoReader(path: file.path) } throws: { ($0 as? VideoError)?.kind == .unreadable }
        }
        // The segment itself is an ordinary video.
        #expect(try VideoReader(path: segment).info.duration > 1)
    }

    @Test func variableFrameRateVideosAreFlaggedAndSampledByTimestamp() throws {
        // Frames 0–9, then every third frame: uneven spacing, kept as such in Matroska.
        let path = TestVideos.folder.appendingPathComponent("vfr.mkv").path
        let source = try TestVideos.graySteps(frames: 100, fps: 25, name: "vfr-source.mp4")
        #expect(try TestVideos.ffmpeg(["-i", source, "-vf", "select=lt(n\\,10)+not(mod(n\\,3))", "-vsync", "vfr", "-c:v", "mpeg4", "-q:v", "1", path]) == 0)
        let reader = try VideoReader(path: path)
        #expect(reader.info.variableFrameRate)
        let frames = try reader.frames(at: [0.2, 1.0, 2.5])
        // At 1.0 s (frame 25, not kept) the frame showing is frame 24; at 2.5 s frame 62 is showing (60 was kept,
        // 63 comes at 2.52 s): in each case the last kept frame not after the time.
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 100) } == [5, 24, 60])
    }
}

@Suite("Seeking to far targets")
struct VideoSeekingTests {
    /// 600 frames at 25 fps (24 s), a keyframe every 25, B-frames.
    static func longVideo(_ name: String, codec: [String]) throws -> String {
        try TestVideos.graySteps(frames: 600, fps: 25, name: name, codec: codec)
    }

    @Test("sparse targets reached by seeking give the same frames as decoding front to back, decoding far fewer",
        arguments: [
            ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p", "-bf", "2", "-g", "25"],
            ["-c:v", "mpeg4", "-q:v", "1", "-g", "25", "-bf", "2"],
        ])
    func seekingMatchesDecodingInOrder(codec: [String]) throws {
        let path = try Self.longVideo("seek-\(codec[1]).mp4", codec: codec)
        let times = [0.01, 0.5, 6.2, 6.3, 13.0, 13.04, 19.99, 23.9, 30]
        let seeking = try VideoReader(path: path)
        let sought = try seeking.frames(at: times)
        let inOrder = try VideoReader(path: path)
        inOrder.seekGap = .infinity
        let decoded = try inOrder.frames(at: times)
        #expect(sought.map(\.time) == decoded.map(\.time))
        #expect(sought.map(\.target) == times)
        let expected = times.map { min(599, Int(($0 * 25 + 1e-6).rounded(.down))) }
        #expect(sought.map { TestVideos.index(of: $0.image, frames: 600) } == expected)
        #expect(decoded.map { TestVideos.index(of: $0.image, frames: 600) } == expected)
        #expect(seeking.decodedFrames < inOrder.decodedFrames / 2, "\(seeking.decodedFrames) vs \(inOrder.decodedFrames)")
    }

    @Test("a first target before the first frame gets the first frame when seeking is on")
    func beforeTheFirstFrame() throws {
        let path = try Self.longVideo("seek-start.mp4", codec: ["-c:v", "mpeg4", "-q:v", "1", "-g", "25"])
        let frames = try VideoReader(path: path).frames(at: [0, 12, 12.5])
        #expect(frames.map { TestVideos.index(of: $0.image, frames: 600) } == [0, 300, 312])
    }
}
