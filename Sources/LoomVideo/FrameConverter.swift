import CAVFormat
import CSwscale
import LoomMedia

/// Converts decoded frames (any pixel format) to packed RGB with libswscale, reusing its context while the
/// frame size and format stay the same.
struct FrameConverter {
    private var context: OpaquePointer?
    private var key: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)

    /// The frame as RGB, turned clockwise by `rotation` degrees (0, 90, 180, 270).
    mutating func image(of frame: UnsafeMutablePointer<AVFrame>, rotation: Int) throws -> RGBImage {
        let (width, height, format) = (frame.pointee.width, frame.pointee.height, frame.pointee.format)
        if context == nil || key != (width, height, format) {
            sws_freeContext(context)
            context = sws_getContext(
                width, height, AVPixelFormat(format), width, height, AV_PIX_FMT_RGB24, SWS_BILINEAR, nil, nil, nil)
            key = (width, height, format)
        }
        guard let context else { throw VideoError(.decodeFailed, "cannot convert the frame's pixel format") }
        let stride = Int(width) * 3
        var pixels = [UInt8](repeating: 0, count: stride * Int(height))
        let converted = pixels.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(stride), 0, 0, 0]
            return withUnsafePointer(to: frame.pointee.data) { dataTuple in
                withUnsafePointer(to: frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { source in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            sws_scale(context, source, sourceStrides, 0, height, &destination, &strides)
                        }
                    }
                }
            }
        }
        guard converted == height else { throw VideoError(.decodeFailed, "the frame could not be converted to RGB") }
        let image = RGBImage(width: Int(width), height: Int(height), pixels: pixels)
        switch rotation {
        case 90: return image.oriented(6)
        case 180: return image.oriented(3)
        case 270: return image.oriented(8)
        default: return image
        }
    }
}
