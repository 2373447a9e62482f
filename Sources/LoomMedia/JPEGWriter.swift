import CTurboJPEG
import LoomCore

/// JPEG encoding through TurboJPEG, with 4:4:4 chroma (no subsampling) so that thin text edges keep their colour.
enum JPEGWriter {
    /// Encodes `buffer` as a baseline JPEG at `quality` (clamped to 1...100). Alpha is ignored.
    static func encode(_ buffer: PixelBuffer, quality: Int) throws -> [UInt8] {
        // A TurboJPEG handle must not be shared between threads: each call makes its own.
        guard let handle = tjInitCompress() else {
            throw LoomError(.render, "JPEG encoding failed: \(String(cString: tjGetErrorStr2(nil)))")
        }
        defer { tjDestroy(handle) }

        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let jpeg { tjFree(jpeg) } }
        let status = buffer.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(buffer.width), Int32(buffer.bytesPerRow), Int32(buffer.height),
                Int32(TJPF_BGRX.rawValue), &jpeg, &size, Int32(TJSAMP_444.rawValue), Int32(min(100, max(1, quality))),
                0)
        }
        guard status == 0, let jpeg else {
            throw LoomError(.render, "JPEG encoding failed: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }
}
