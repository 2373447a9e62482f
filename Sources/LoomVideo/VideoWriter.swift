import CAVFormat
import CSwscale
import Foundation
import LoomMedia

/// Encodes RGB frames into a video file with libavcodec and libavformat, in the container the file's extension
/// names (`.mp4`, `.mkv`). Not thread-safe: one writer per thread.
public final class VideoWriter {
    /// The video codec.
    public enum Codec: Sendable {
        /// MPEG-4 Part 2 with FFmpeg's own encoder, one thread and bit-exact flags: the same frames give the same
        /// bytes on the same libraries (Loom's runs rely on it: a video's id is its bytes).
        case mpeg4
        /// H.264 through libx264 when this machine's libavcodec has it (else MPEG-4). Smaller files; libx264's
        /// output is not guaranteed to repeat byte for byte.
        case h264
    }

    public let path: String
    public let width: Int
    public let height: Int
    public let framesPerSecond: Int
    /// The encoder's short name ("libx264" or "mpeg4").
    public let codecName: String
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private let stream: UnsafeMutablePointer<AVStream>
    private var scaler: UnsafeMutableRawPointer?
    private var written = 0
    private var finished = false

    /// Opens `path` for writing frames of `width`×`height` (even numbers: 4:2:0 chroma halves them).
    ///
    /// - Parameter threads: the encoder's threads (libavcodec's own). One keeps MPEG-4 output byte for byte the
    ///   same; H.264, whose bytes are not promised anyway, can use every core.
    /// - Throws: `VideoError` when the container or no encoder can be set up, or the file cannot be created.
    public init(path: String, width: Int, height: Int, framesPerSecond: Int, codec requested: Codec = .mpeg4, threads: Int = 1) throws {
        guard width > 0, height > 0, width % 2 == 0, height % 2 == 0 else {
            throw VideoError(.unsupportedCodec, "frame size \(width)×\(height) must be positive and even")
        }
        self.path = path
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        av_log_set_level(AV_LOG_QUIET)
        var context: UnsafeMutablePointer<AVFormatContext>?
        guard avformat_alloc_output_context2(&context, nil, nil, path) >= 0, let context else {
            throw VideoError(.unreadable, "no container format for \(path)")
        }
        format = context
        let x264 = requested == .h264 ? avcodec_find_encoder_by_name("libx264") : nil
        let codec = x264 ?? avcodec_find_encoder(AV_CODEC_ID_MPEG4)
        guard let codec, let stream = avformat_new_stream(context, nil), let encoder = avcodec_alloc_context3(codec) else {
            avformat_free_context(context)
            throw VideoError(.unsupportedCodec, "no H.264 or MPEG-4 encoder in this libavcodec")
        }
        self.stream = stream
        self.encoder = encoder
        codecName = String(cString: codec.pointee.name)
        encoder.pointee.width = Int32(width)
        encoder.pointee.height = Int32(height)
        encoder.pointee.time_base = AVRational(num: 1, den: Int32(framesPerSecond))
        encoder.pointee.framerate = AVRational(num: Int32(framesPerSecond), den: 1)
        encoder.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        encoder.pointee.gop_size = Int32(framesPerSecond)
        encoder.pointee.max_b_frames = 0
        encoder.pointee.thread_count = Int32(max(1, threads))
        encoder.pointee.flags |= Int32(AV_CODEC_FLAG_BITEXACT)
        if context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            encoder.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        }
        if codecName == "libx264" {
            av_opt_set(encoder.pointee.priv_data, "preset", "veryfast", 0)
            av_opt_set(encoder.pointee.priv_data, "crf", "18", 0)
        } else {
            encoder.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            encoder.pointee.global_quality = 2 * FF_QP2LAMBDA
        }
        var status = avcodec_open2(encoder, codec, nil)
        guard status >= 0, avcodec_parameters_from_context(stream.pointee.codecpar, encoder) >= 0 else {
            avcodec_free_context(&self.encoder)
            avformat_free_context(context)
            throw VideoError(.unsupportedCodec, "cannot open the \(codecName) encoder (\(VideoReader.message(status)))")
        }
        stream.pointee.time_base = encoder.pointee.time_base
        context.pointee.flags |= AVFMT_FLAG_BITEXACT
        status = avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE)
        guard status >= 0 else {
            avcodec_free_context(&self.encoder)
            avformat_free_context(context)
            format = nil
            throw VideoError(.unreadable, "cannot create \(path) (\(VideoReader.message(status)))")
        }
        status = avformat_write_header(context, nil)
        guard status >= 0 else {
            avio_closep(&context.pointee.pb)
            avcodec_free_context(&self.encoder)
            avformat_free_context(context)
            format = nil
            throw VideoError(.unreadable, "cannot write the header of \(path) (\(VideoReader.message(status)))")
        }
        frame = av_frame_alloc()
        packet = av_packet_alloc()
        guard let frame else { throw VideoError(.decodeFailed, "out of memory") }
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        guard av_frame_get_buffer(frame, 0) >= 0 else { throw VideoError(.decodeFailed, "out of memory") }
        scaler = loom_sws_context(
            Int32(width), Int32(height), AV_PIX_FMT_RGB24, Int32(width), Int32(height), AV_PIX_FMT_YUV420P, loom_sws_bilinear)
    }

    deinit {
        loom_sws_free(scaler)
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&encoder)
        if let format {
            if format.pointee.pb != nil { avio_closep(&format.pointee.pb) }
            avformat_free_context(format)
        }
    }

    /// Appends one frame (shown for 1 / `framesPerSecond` seconds). Its size must be the writer's.
    public func append(_ image: RGBImage) throws {
        guard !finished, let frame, let scaler else { throw VideoError(.decodeFailed, "the writer is finished") }
        guard image.width == width, image.height == height else {
            throw VideoError(.decodeFailed, "a \(image.width)×\(image.height) frame in a \(width)×\(height) video")
        }
        guard av_frame_make_writable(frame) >= 0 else { throw VideoError(.decodeFailed, "out of memory") }
        image.pixels.withUnsafeBufferPointer { pixels in
            var source: [UnsafePointer<UInt8>?] = [pixels.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(width * 3), 0, 0, 0]
            withUnsafeMutablePointer(to: &frame.pointee.data) { dataTuple in
                withUnsafeMutablePointer(to: &frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { destination in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { destinationStrides in
                            _ = loom_sws_scale(scaler, &source, &strides, 0, Int32(height), destination, destinationStrides)
                        }
                    }
                }
            }
        }
        frame.pointee.pts = Int64(written)
        written += 1
        try send(frame)
    }

    /// Flushes the encoder and writes the container's trailer. The file is complete once this returns.
    public func finish() throws {
        guard !finished, let format else { return }
        finished = true
        try send(nil)
        let status = av_write_trailer(format)
        avio_closep(&format.pointee.pb)
        guard status >= 0 else { throw VideoError(.unreadable, "cannot finish \(path) (\(VideoReader.message(status)))") }
    }

    private func send(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        guard let encoder, let packet, let format else { return }
        var status = avcodec_send_frame(encoder, frame)
        guard status >= 0 else { throw VideoError(.decodeFailed, "encoding failed (\(VideoReader.message(status)))") }
        while true {
            status = avcodec_receive_packet(encoder, packet)
            if status == AVERROR_EAGAIN_VALUE || status == AVERROR_EOF_VALUE { return }
            guard status >= 0 else { throw VideoError(.decodeFailed, "encoding failed (\(VideoReader.message(status)))") }
            // Each frame shows for one tick of the encoder's time base; without a duration the container's length
            // would end at the last frame's start.
            if packet.pointee.duration == 0 { packet.pointee.duration = 1 }
            av_packet_rescale_ts(packet, encoder.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            status = av_interleaved_write_frame(format, packet)
            guard status >= 0 else { throw VideoError(.unreadable, "cannot write to \(path) (\(VideoReader.message(status)))") }
        }
    }
}
