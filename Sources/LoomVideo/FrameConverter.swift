import CAVFormat
import CSwscale
import LoomMedia

/// Converts decoded frames (any pixel format) to packed RGB with libswscale, scaling them down in the same pass
/// when a longest side is set, and reusing its context while the frame size and format stay the same. A class so
/// that the context is freed with it.
final class FrameConverter {
    /// Frames larger than this (longest side, pixels) come out scaled down to it; nil keeps their size.
    var longestSide: Int?
    private var context: UnsafeMutableRawPointer?
    private var key: (width: Int32, height: Int32, format: Int32, space: Int32, fullRange: Bool, hdr: Bool) = (0, 0, -1, -1, false, false)
    private var output: (width: Int32, height: Int32) = (0, 0)
    /// The tone mapper of the HDR frames seen last (their transfer), made once.
    private var toneMapper: HDRToneMapper?

    init(longestSide: Int? = nil) {
        self.longestSide = longestSide
    }

    deinit { loom_sws_free(context) }

    /// The libswscale colour space (`SWS_CS_*`, numbered as `AVColorSpace`) of a frame's YUV: what the file says,
    /// or, when it says nothing, BT.709 from 720 lines up and BT.601 below, as players guess.
    static func colourSpace(_ space: AVColorSpace, height: Int32) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: SWS_CS_ITU709
        case AVCOL_SPC_FCC: SWS_CS_FCC
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: SWS_CS_ITU601
        case AVCOL_SPC_SMPTE240M: SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: SWS_CS_BT2020
        default: height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601
        }
    }

    /// Moves `rows` rows of `rowBytes` bytes, `stride` apart, to be contiguous at the front, and drops the rest.
    static func pack(_ pixels: inout [UInt8], rows: Int, rowBytes: Int, stride: Int) {
        if stride != rowBytes {
            pixels.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for row in 1..<max(1, rows) { memmove(base + row * rowBytes, base + row * stride, rowBytes) }
            }
        }
        pixels.removeLast(pixels.count - rows * rowBytes)
    }

    /// The HDR transfer a frame or stream is tagged with, if any.
    static func hdrTransfer(_ transfer: AVColorTransferCharacteristic) -> HDRToneMapper.Transfer? {
        switch transfer {
        case AVCOL_TRC_SMPTE2084: .pq
        case AVCOL_TRC_ARIB_STD_B67: .hlg
        default: nil
        }
    }

    /// The frame as RGB, turned clockwise by `rotation` degrees (0, 90, 180, 270). HDR frames (PQ or HLG) are
    /// tone-mapped to SDR BT.709 (`HDRToneMapper`).
    func image(of frame: UnsafeMutablePointer<AVFrame>, rotation: Int) throws -> RGBImage {
        let (width, height, format) = (frame.pointee.width, frame.pointee.height, frame.pointee.format)
        let space = Self.colourSpace(frame.pointee.colorspace, height: height)
        // The deprecated yuvj formats are full range whatever the frame's tag says.
        let jpegFormats = [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P]
        let fullRange = frame.pointee.color_range == AVCOL_RANGE_JPEG || jpegFormats.contains { $0.rawValue == format }
        let transfer = Self.hdrTransfer(frame.pointee.color_trc)
        if let transfer, toneMapper?.transfer != transfer { toneMapper = HDRToneMapper(transfer: transfer) }
        // HDR frames leave libswscale with 16 bits a channel, for the tone mapper to read their light levels.
        let hdr = transfer != nil
        if context == nil || key != (width, height, format, space, fullRange, hdr) {
            loom_sws_free(context)
            output = (width, height)
            if let side = longestSide, side > 0, max(width, height) > side {
                // The longest side is the same turned or not: scale first, turn the small picture after.
                let scale = Double(side) / Double(max(width, height))
                output = (max(1, Int32((Double(width) * scale).rounded())), max(1, Int32((Double(height) * scale).rounded())))
            }
            // Area averaging when shrinking (no aliasing); bilinear at the same size.
            let filter = output == (width, height) ? loom_sws_bilinear : loom_sws_area
            context = loom_sws_context(
                width, height, AVPixelFormat(format), output.width, output.height, hdr ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_RGB24,
                filter)
            // libswscale assumes BT.601 and limited range unless told: HD video (BT.709) came out with shifted
            // hues, and a phone's full-range video with crushed blacks and whites. (For RGB sources and the yuvj
            // formats, which carry their range in the format, libswscale ignores or overrides this.)
            if let context, let coefficients = sws_getCoefficients(space) {
                _ = loom_sws_set_colorspace(context, coefficients, fullRange ? 1 : 0, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
            }
            key = (width, height, format, space, fullRange, hdr)
        }
        guard let context else { throw VideoError(.decodeFailed, "cannot convert the frame's pixel format") }
        let (outWidth, outHeight) = output
        let rowBytes = Int(outWidth) * 3 * (hdr ? 2 : 1)
        // libswscale's SIMD converters write whole blocks of pixels, past the end of a row whose width is not a
        // multiple of the block (a 120-pixel frame converted at its own size corrupted the heap): rows get a
        // padded stride and the buffer a spare row, and the rows are packed together afterwards.
        let stride = (rowBytes + 63) / 64 * 64
        var pixels = [UInt8](repeating: 0, count: stride * (Int(outHeight) + 1))
        let converted = pixels.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(stride), 0, 0, 0]
            return withUnsafePointer(to: frame.pointee.data) { dataTuple in
                withUnsafePointer(to: frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            loom_sws_scale(context, source, sourceStrides, 0, height, &destination, &strides)
                        }
                    }
                }
            }
        }
        guard converted == outHeight else { throw VideoError(.decodeFailed, "the frame could not be converted to RGB") }
        Self.pack(&pixels, rows: Int(outHeight), rowBytes: rowBytes, stride: stride)
        if let toneMapper, hdr {
            pixels = pixels.withUnsafeBytes { toneMapper.map($0.bindMemory(to: UInt16.self)) }
        }
        let image = RGBImage(width: Int(outWidth), height: Int(outHeight), pixels: pixels)
        switch rotation {
        case 90: return image.oriented(6)
        case 180: return image.oriented(3)
        case 270: return image.oriented(8)
        default: return image
        }
    }
}
