import CAVFormat
import CSwscale
import Foundation
import LoomMedia

/// One video file opened with libavformat and its best video stream's decoder from libavcodec: what the file
/// says about itself (`info`), and frames taken at chosen times (`frames(at:)`). Not thread-safe: use one
/// reader per thread (decoding is CPU work for the caller's worker threads, never Swift's cooperative pool).
public final class VideoReader {
    public let path: String
    public private(set) var info: VideoInfo
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private let streamIndex: Int32
    /// Frames decoded so far by `frames(at:)` (the work the sampling cost).
    public private(set) var decodedFrames = 0
    private let timeBase: Double
    private let startTime: Double

    /// Opens `path` and reads its stream information.
    ///
    /// - Parameter threads: decoder threads (libavcodec's own; 1 keeps decoding on the calling thread).
    /// - Throws: `VideoError` naming what is wrong with the file.
    public init(path: String, threads: Int = 1) throws {
        self.path = path
        av_log_set_level(AV_LOG_QUIET)
        var context: UnsafeMutablePointer<AVFormatContext>?
        var status = Self.open(&context, path)
        guard status >= 0, let context else {
            // The whitelists refuse with EINVAL ("Format not on whitelist").
            let reason = status == -Int32(EINVAL)
                ? "not a video container Loom reads (playlists and lists of files are not followed)" : Self.message(status)
            throw VideoError(.unreadable, "cannot open the video (\(reason))")
        }
        format = context
        status = avformat_find_stream_info(context, nil)
        guard status >= 0 else {
            avformat_close_input(&format)
            throw VideoError(.unreadable, "cannot read the video's streams (\(Self.message(status)))")
        }
        var codec: UnsafePointer<AVCodec>?
        let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
        guard index >= 0, let stream = context.pointee.streams[Int(index)] else {
            avformat_close_input(&format)
            throw VideoError(
                index == AVERROR_DECODER_NOT_FOUND_VALUE ? .unsupportedCodec : .noVideoStream,
                index == AVERROR_DECODER_NOT_FOUND_VALUE ? "no decoder for the video stream's codec" : "the file has no video stream")
        }
        // An audio file's cover picture (a podcast's, a song's) is a one-frame "video" stream: not footage.
        guard stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 else {
            avformat_close_input(&format)
            throw VideoError(.noVideoStream, "the file has no video stream, only a cover picture")
        }
        guard let codec, let decoder = avcodec_alloc_context3(codec) else {
            avformat_close_input(&format)
            throw VideoError(.unsupportedCodec, "no decoder for the video stream's codec")
        }
        self.decoder = decoder
        streamIndex = index
        let parameters = stream.pointee.codecpar!
        guard avcodec_parameters_to_context(decoder, parameters) >= 0 else {
            avcodec_free_context(&self.decoder)
            avformat_close_input(&format)
            throw VideoError(.unsupportedCodec, "the decoder does not accept the stream's parameters")
        }
        decoder.pointee.thread_count = Int32(max(1, threads))
        status = avcodec_open2(decoder, codec, nil)
        guard status >= 0 else {
            avcodec_free_context(&self.decoder)
            avformat_close_input(&format)
            throw VideoError(.unsupportedCodec, "cannot open the \(String(cString: codec.pointee.name)) decoder (\(Self.message(status)))")
        }

        let base = stream.pointee.time_base
        timeBase = base.den == 0 ? 0 : Double(base.num) / Double(base.den)
        startTime = stream.pointee.start_time == Int64.min ? 0 : Double(stream.pointee.start_time) * timeBase
        var duration = stream.pointee.duration > 0 ? Double(stream.pointee.duration) * timeBase : 0
        if duration <= 0, context.pointee.duration > 0 { duration = Double(context.pointee.duration) / Double(AV_TIME_BASE) }
        let average = stream.pointee.avg_frame_rate
        let real = stream.pointee.r_frame_rate
        let rate = average.den > 0 && average.num > 0 ? Double(average.num) / Double(average.den) : 0
        let realRate = real.den > 0 && real.num > 0 ? Double(real.num) / Double(real.den) : 0
        var rotation = 0
        if let matrix = loom_stream_display_matrix(stream) {
            let counterClockwise = matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
            if counterClockwise.isFinite {
                // The display matrix turns counter-clockwise; players turn the picture the other way round.
                rotation = ((Int((-counterClockwise).rounded()) % 360) + 360) % 360
                rotation = (rotation + 45) / 90 % 4 * 90
            }
        }
        let counted = Int(stream.pointee.nb_frames)
        info = VideoInfo(
            duration: duration, frameRate: rate, width: Int(parameters.pointee.width), height: Int(parameters.pointee.height),
            rotation: rotation, codec: String(cString: codec.pointee.name),
            frameCount: counted > 0 ? counted : Int((duration * rate).rounded()),
            variableFrameRate: (rate > 0 && realRate > 0 && abs(rate - realRate) / realRate > 0.01)
                || Self.unevenlySpaced(context, stream: index, timeBase: timeBase))
        switch FrameConverter.hdrTransfer(parameters.pointee.color_trc) {
        case .pq: info.hdr = "PQ"
        case .hlg: info.hdr = "HLG"
        case nil: break
        }
        guard info.width > 0, info.height > 0 else {
            avcodec_free_context(&self.decoder)
            avformat_close_input(&format)
            throw VideoError(.unreadable, "the video stream has no picture size")
        }
    }

    /// Opens `path` as `avformat_open_input` does, but only as a local file in one of `containers`: a playlist
    /// (HLS, DASH) or a list of files (concat) named like a video would otherwise pull other files, local or
    /// remote, into the frames.
    private static func open(_ context: inout UnsafeMutablePointer<AVFormatContext>?, _ path: String) -> Int32 {
        var options: OpaquePointer?
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        av_dict_set(&options, "format_whitelist", containers, 0)
        let status = avformat_open_input(&context, path, nil, &options)
        av_dict_free(&options)
        return status
    }

    /// The demuxers a video may be read with (`format_whitelist`): the containers cameras, phones, screen
    /// recorders and downloads write, and raw streams. Not hls, dash, concat or other formats that name files.
    static let containers = [
        "mov", "mp4", "matroska", "webm", "avi", "mpegts", "mpeg", "flv", "asf", "ogg", "mxf", "dv", "nut", "ivf",
        "m4v", "h264", "hevc", "mpegvideo", "mjpeg", "yuv4mpegpipe", "wtv", "rm", "3gp", "gif",
    ].joined(separator: ",")

    /// Whether the first packets' timestamps (in presentation order) are unevenly spaced. Reads up to 240
    /// packets without decoding them (`frames(at:)` goes back to the start before it decodes).
    private static func unevenlySpaced(_ context: UnsafeMutablePointer<AVFormatContext>, stream: Int32, timeBase: Double) -> Bool {
        guard let packet = av_packet_alloc() else { return false }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        var stamps: [Int64] = []
        while stamps.count < 240, av_read_frame(context, packet) >= 0 {
            if packet.pointee.stream_index == stream, packet.pointee.pts != Int64.min { stamps.append(packet.pointee.pts) }
            av_packet_unref(packet)
        }
        stamps.sort()
        let gaps = zip(stamps.dropFirst(), stamps).map { $0 - $1 }.filter { $0 > 0 }
        guard let shortest = gaps.min(), let longest = gaps.max(), shortest > 0 else { return false }
        // Rounding of timestamps to the time base makes even spacing differ by one tick.
        return Double(longest - shortest) > max(1, Double(shortest) * 0.05)
    }

    deinit {
        avcodec_free_context(&decoder)
        avformat_close_input(&format)
    }

    /// Frames come out with at most this longest side (scaled down while converting, before they are held):
    /// sixteen 4K frames at full size would hold 400 MB. Nil keeps the coded size.
    public var longestSide: Int?

    /// Targets at least this many seconds past the last decoded frame are reached by seeking to the keyframe
    /// before them rather than decoding everything in between.
    public var seekGap: Double = 5

    /// The frames showing at each of `times` (seconds from the start, ascending): for each time the last frame
    /// whose presentation time is not after it (the first frame for times before it). Frames come turned upright
    /// by the stream's rotation. Close targets are reached by decoding forward; a target far ahead (`seekGap`)
    /// by seeking to the keyframe before it. A container whose seeking lands after a target is decoded front to
    /// back instead, which gives the same frames.
    ///
    /// - Throws: `VideoError` when the stream cannot be decoded, or holds no frame at all.
    public func frames(at times: [Double]) throws -> [SampledFrame] {
        var taken: [SampledFrame] = []
        try forEachFrame(at: times) { taken.append($0) }
        return taken
    }

    /// The frames `frames(at:)` gives, handed to `body` one at a time as they are decoded, so that no more than
    /// one is held: what taking many large frames, or re-encoding a whole video, needs.
    public func forEachFrame(at times: [Double], _ body: (SampledFrame) throws -> Void) throws {
        guard !times.isEmpty else { return }
        let sparse = times[0] >= seekGap || zip(times.dropFirst(), times).contains { $0 - $1 >= seekGap }
        var delivered = 0
        if sparse, try framesSeeking(at: times, deliver: { frame in
            delivered += 1
            try body(frame)
        }) {
            return
        }
        // Decoding front to back gives the frames seeking gives: the targets seeking did not reach are taken so.
        try framesInOrder(at: Array(times[delivered...]), deliver: body)
    }

    /// `frames(at:)` by seeking ahead where targets are far apart; false when a seek landed after its target
    /// (the frames delivered so far are right; the rest must be decoded front to back).
    func framesSeeking(at times: [Double], deliver: (SampledFrame) throws -> Void) throws -> Bool {
        // `format` is read from the property at each use: `rewind()` may close the file and open it again.
        guard let decoder, format != nil else { return true }
        guard let packet = av_packet_alloc() else { throw VideoError(.decodeFailed, "out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        var heldPointer: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        var nextPointer: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer {
            av_frame_free(&heldPointer)
            av_frame_free(&nextPointer)
        }
        guard let held = heldPointer, let next = nextPointer else { throw VideoError(.decodeFailed, "out of memory") }
        let converter = FrameConverter(longestSide: longestSide)
        // The last frame decoded at or before the current target, and the first one after it (not yet used).
        var heldTime: Double?
        var nextTime: Double?
        var lastTime = 0.0
        var atEnd = false
        var fromStart = false

        // Decodes until a frame after `target` is in `next` (or the stream ends); returns false when the first
        // frame decoded after a seek is already after the target.
        func advance(to target: Double, afterSeek: Bool) throws -> Bool {
            if let time = nextTime {
                if time > target + 1e-6 { return true }
                av_frame_unref(held)
                av_frame_move_ref(held, next)
                heldTime = time
                nextTime = nil
            }
            while !atEnd {
                let status = avcodec_receive_frame(decoder, next)
                if status >= 0 {
                    decodedFrames += 1
                    let stamp = next.pointee.best_effort_timestamp
                    let time = stamp == Int64.min ? lastTime : Double(stamp) * timeBase - startTime
                    lastTime = time
                    if time > target + 1e-6 {
                        if heldTime == nil && afterSeek && !fromStart { return false }
                        nextTime = time
                        return true
                    }
                    av_frame_unref(held)
                    av_frame_move_ref(held, next)
                    heldTime = time
                    continue
                }
                if status == AVERROR_EOF_VALUE {
                    atEnd = true
                    break
                }
                guard status == AVERROR_EAGAIN_VALUE else {
                    throw VideoError(.decodeFailed, "decoding failed (\(Self.message(status)))")
                }
                // The decoder wants input.
                var read = av_read_frame(format, packet)
                while read >= 0 && packet.pointee.stream_index != streamIndex {
                    av_packet_unref(packet)
                    read = av_read_frame(format, packet)
                }
                if read < 0 {
                    avcodec_send_packet(decoder, nil)
                    continue
                }
                let sent = avcodec_send_packet(decoder, packet)
                av_packet_unref(packet)
                if sent < 0 && sent != AVERROR_INVALIDDATA_VALUE && sent != AVERROR_EAGAIN_VALUE {
                    throw VideoError(.decodeFailed, "the stream cannot be decoded (\(Self.message(sent)))")
                }
            }
            return true
        }

        for target in times {
            let decodedUpTo = nextTime ?? heldTime
            if decodedUpTo == nil && target < seekGap {
                // Near the start: decode from the first frame (which also stands for targets before it).
                try rewind()
                fromStart = true
                _ = try advance(to: target, afterSeek: true)
            } else if let position = decodedUpTo, target - position < seekGap {
                _ = try advance(to: target, afterSeek: false)
            } else {
                let stamp = Int64(((target + startTime) / timeBase).rounded(.down))
                guard timeBase > 0, av_seek_frame(format, streamIndex, stamp, AVSEEK_FLAG_BACKWARD) >= 0 else { return false }
                avcodec_flush_buffers(decoder)
                (heldTime, nextTime, atEnd, fromStart) = (nil, nil, false, false)
                guard try advance(to: target, afterSeek: true) else { return false }
            }
            if heldTime == nil, fromStart, let time = nextTime {
                // A target before the first frame gets the first frame.
                av_frame_move_ref(held, next)
                (heldTime, nextTime) = (time, nil)
            }
            guard let time = heldTime else {
                if decodedFrames == 0 { throw VideoError(.empty, "the video stream holds no decodable frame") }
                return false
            }
            try deliver(SampledFrame(time: time, target: target, image: try converter.image(of: held, rotation: info.rotation)))
        }
        return true
    }

    /// `frames(at:)` decoded front to back, every packet from the first.
    func framesInOrder(at times: [Double], deliver: (SampledFrame) throws -> Void) throws {
        guard !times.isEmpty, let decoder else { return }
        try rewind()
        guard let format else { return }
        guard let packet = av_packet_alloc() else { throw VideoError(.decodeFailed, "out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        var current: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        var previous: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer {
            av_frame_free(&current)
            av_frame_free(&previous)
        }
        guard let frame = current, let held = previous else { throw VideoError(.decodeFailed, "out of memory") }
        let converter = FrameConverter(longestSide: longestSide)
        var next = 0
        var havePrevious = false
        var previousTime = 0.0
        var decodedAny = false

        // Takes the held frame for every target it is the one showing at, given the next frame's time.
        func take(until time: Double?) throws {
            // A microsecond of slack: a target on a frame boundary (0.1 × 56 is not exactly 5.6) gets that frame.
            while next < times.count, havePrevious, time.map({ $0 > times[next] + 1e-6 }) ?? true {
                let image = try converter.image(of: held, rotation: info.rotation)
                try deliver(SampledFrame(time: previousTime, target: times[next], image: image))
                next += 1
            }
        }
        func receive() throws -> Bool {
            while true {
                let status = avcodec_receive_frame(decoder, frame)
                if status == AVERROR_EAGAIN_VALUE || status == AVERROR_EOF_VALUE { return status == AVERROR_EOF_VALUE }
                guard status >= 0 else { throw VideoError(.decodeFailed, "decoding failed (\(Self.message(status)))") }
                decodedAny = true
                decodedFrames += 1
                let stamp = frame.pointee.best_effort_timestamp
                let time = stamp == Int64.min ? previousTime : Double(stamp) * timeBase - startTime
                if !havePrevious {
                    // Targets before the first frame get the first frame.
                    havePrevious = true
                    av_frame_move_ref(held, frame)
                    previousTime = time
                    try take(until: time)
                    continue
                }
                // The held frame shows until this one: it is the frame for every target before this time.
                try take(until: time)
                av_frame_unref(held)
                av_frame_move_ref(held, frame)
                previousTime = time
                if next == times.count { return true }
            }
        }

        var finished = false
        while !finished && next < times.count {
            let status = av_read_frame(format, packet)
            if status < 0 {
                // End of file (or an unreadable tail): drain the decoder.
                avcodec_send_packet(decoder, nil)
                _ = try receive()
                finished = true
                break
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            var sent = avcodec_send_packet(decoder, packet)
            // A full decoder takes the packet only after its frames are taken: never drop it (a lost packet
            // breaks every frame that refers to it).
            while sent == AVERROR_EAGAIN_VALUE {
                if try receive() { break }
                sent = avcodec_send_packet(decoder, packet)
            }
            // A damaged packet costs its frame, not the video: decoding goes on with the next one.
            if sent < 0 && sent != AVERROR_EAGAIN_VALUE && sent != AVERROR_INVALIDDATA_VALUE {
                throw VideoError(.decodeFailed, "the stream cannot be decoded (\(Self.message(sent)))")
            }
            if try receive() { finished = next == times.count }
        }
        guard decodedAny else { throw VideoError(.empty, "the video stream holds no decodable frame") }
        // Targets after the last frame get the last frame.
        try take(until: nil)
    }

    /// The frames `sampling` chooses: at fixed times for uniform and rate sampling; for scene changes, after a
    /// first pass that decodes every frame to find the cuts.
    public func sample(_ sampling: FrameSampling) throws -> [SampledFrame] {
        var taken: [SampledFrame] = []
        try forEachSample(sampling) { taken.append($0) }
        return taken
    }

    /// The frames `sample(_:)` gives, handed to `body` one at a time (`forEachFrame(at:_:)`).
    public func forEachSample(_ sampling: FrameSampling, _ body: (SampledFrame) throws -> Void) throws {
        switch sampling {
        case .uniform, .rate:
            try forEachFrame(at: sampling.times(duration: info.duration), body)
        case .sceneChanges(let threshold, let maxFrames):
            try forEachFrame(at: try sceneChangeTimes(threshold: threshold, maxFrames: maxFrames), body)
        }
    }

    /// Checks what the file holds against what its header says, reading its packets without decoding them: a
    /// header without a duration (a WebM recorded through a pipe, a browser's or OBS's recording) takes the
    /// packets' end as the duration, and a file whose packets end well before its header's duration (a download
    /// or copy cut off) is refused rather than sampled as if whole (every target past the cut would get the last
    /// frame there).
    ///
    /// - Throws: `VideoError(.empty)` when no packet has a time, `VideoError(.unreadable)` when the file is cut.
    public func checkLength() throws {
        try rewind()
        guard let format else { return }
        guard let packet = av_packet_alloc() else { throw VideoError(.decodeFailed, "out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        var end: Int64?
        while av_read_frame(format, packet) >= 0 {
            if packet.pointee.stream_index == streamIndex, packet.pointee.pts != Int64.min {
                let stop = packet.pointee.pts + max(0, packet.pointee.duration)
                end = max(end ?? stop, stop)
            }
            av_packet_unref(packet)
        }
        try rewind()
        guard let end else {
            if info.duration <= 0 { throw VideoError(.empty, "the video has no timed frames") }
            return
        }
        let measured = Double(end) * timeBase - startTime
        let tolerance = max(1, 0.05 * info.duration)
        // A Matroska file whose timestamps start late (a `-copyts` remux of a stream recording, an
        // `-output_ts_offset`) has no stream duration, and the container's counts from 0: its end, not its length.
        let headerCountsFromZero = startTime > 0 && abs(info.duration - (measured + startTime)) <= tolerance
        if info.duration <= 0 || headerCountsFromZero {
            let estimatedCount = info.frameCount <= 0 || (info.frameRate > 0 && info.frameCount == Int((info.duration * info.frameRate).rounded()))
            info.duration = measured
            if estimatedCount, info.frameRate > 0 { info.frameCount = Int((measured * info.frameRate).rounded()) }
        } else if info.duration - measured > tolerance {
            throw VideoError(
                .unreadable,
                String(format: "the file stops at %.1f s of the %.1f s its header gives (cut off while downloading or copying?)", measured, info.duration))
        }
    }

    /// The first frame's time and the times of the frames that start a new shot (see `FrameSampling.sceneChanges`).
    public func sceneChangeTimes(threshold: Double, maxFrames: Int) throws -> [Double] {
        var detector = SceneChangeDetector(threshold: threshold)
        defer { detector.release() }
        try decodeAll { frame, time in try detector.add(frame, time: time) }
        return detector.times(maxFrames: maxFrames)
    }

    /// Decodes every frame from the start, handing each to `body` with its time (seconds from the start).
    private func decodeAll(_ body: (UnsafeMutablePointer<AVFrame>, Double) throws -> Void) throws {
        guard let decoder else { return }
        try rewind()
        guard let format else { return }
        guard let packet = av_packet_alloc() else { throw VideoError(.decodeFailed, "out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        var framePointer: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        defer { av_frame_free(&framePointer) }
        guard let frame = framePointer else { throw VideoError(.decodeFailed, "out of memory") }
        var decodedAny = false
        var lastTime = 0.0
        func receive() throws {
            while true {
                let status = avcodec_receive_frame(decoder, frame)
                if status == AVERROR_EAGAIN_VALUE || status == AVERROR_EOF_VALUE { return }
                guard status >= 0 else { throw VideoError(.decodeFailed, "decoding failed (\(Self.message(status)))") }
                decodedAny = true
                decodedFrames += 1
                let stamp = frame.pointee.best_effort_timestamp
                lastTime = stamp == Int64.min ? lastTime : Double(stamp) * timeBase - startTime
                try body(frame, lastTime)
                av_frame_unref(frame)
            }
        }
        while av_read_frame(format, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            var sent = avcodec_send_packet(decoder, packet)
            while sent == AVERROR_EAGAIN_VALUE {
                try receive()
                sent = avcodec_send_packet(decoder, packet)
            }
            if sent < 0 && sent != AVERROR_EAGAIN_VALUE && sent != AVERROR_INVALIDDATA_VALUE {
                throw VideoError(.decodeFailed, "the stream cannot be decoded (\(Self.message(sent)))")
            }
            try receive()
        }
        avcodec_send_packet(decoder, nil)
        try receive()
        guard decodedAny else { throw VideoError(.empty, "the video stream holds no decodable frame") }
    }

    /// Goes back to the first packet: a seek to the stream's start, or, for containers that cannot seek,
    /// opening the file again. The decoder forgets what it held.
    ///
    /// MPEG transport and program streams (`.ts`, `.m2ts`, `.mts`, `.mpg`: libavformat's `mpegts` and `mpeg`) go back
    /// to their first byte instead: their timestamp seek searches the file for a keyframe near the time, and to
    /// the start time it landed on the second keyframe (a camcorder clip shorter than one GOP then had none).
    private func rewind() throws {
        guard let context = format else { return }
        let stream = context.pointee.streams[Int(streamIndex)]!
        let start = stream.pointee.start_time == Int64.min ? 0 : stream.pointee.start_time
        let demuxer = String(cString: context.pointee.iformat.pointee.name)
        let isMPEGStream = demuxer == "mpegts" || demuxer == "mpegtsraw" || demuxer == "mpeg"
        let sought = isMPEGStream
            ? av_seek_frame(context, -1, 0, AVSEEK_FLAG_BYTE)
            : av_seek_frame(context, streamIndex, start, AVSEEK_FLAG_BACKWARD)
        if sought < 0 {
            avformat_close_input(&format)
            var reopened: UnsafeMutablePointer<AVFormatContext>?
            guard Self.open(&reopened, path) >= 0, let opened = reopened else {
                throw VideoError(.unreadable, "cannot go back to the start of the video")
            }
            guard avformat_find_stream_info(opened, nil) >= 0 else {
                avformat_close_input(&reopened)
                throw VideoError(.unreadable, "cannot go back to the start of the video")
            }
            format = opened
        } else {
            avformat_flush(context)
        }
        if let decoder { avcodec_flush_buffers(decoder) }
    }

    /// libav's text for an error code.
    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { _ = av_strerror(code, $0.baseAddress, $0.count) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// libav error codes that are macros in C.
let AVERROR_EAGAIN_VALUE = -EAGAIN
let AVERROR_EOF_VALUE: Int32 = -0x2046_4F45  // -MKTAG('E', 'O', 'F', ' ')
let AVERROR_INVALIDDATA_VALUE: Int32 = -0x4144_4E49  // -MKTAG('I', 'N', 'D', 'A')
let AVERROR_DECODER_NOT_FOUND_VALUE: Int32 = -0x4345_44F8  // -MKTAG(0xF8, 'D', 'E', 'C')
