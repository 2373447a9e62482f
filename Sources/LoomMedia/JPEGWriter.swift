import CTurboJPEG
import LoomCore

/// JPEG encoding through TurboJPEG, with 4:4:4 chroma (no subsampling) so that thin text edges keep their colour.
enum JPEGWriter {
    /// Encodes `buffer` as a baseline JPEG at `quality` (clamped to 1...100). Alpha is ignored.
    static func encode(_ buffer: PixelBuffer, quality: Int) throws -> [UInt8] {
        try buffer.pixels.withUnsafeBufferPointer { pixels in
            try compress(
                pixels, width: buffer.width, pitch: buffer.bytesPerRow, height: buffer.height, format: TJPF_BGRX,
                subsampling: TJSAMP_444, quality: quality)
        }
    }

    /// The one TurboJPEG compression call behind every JPEG Loom writes.
    static func compress(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, pitch: Int, height: Int, format: TJPF, subsampling: TJSAMP,
        quality: Int
    ) throws -> [UInt8] {
        // A TurboJPEG handle must not be shared between threads: each call makes its own.
        guard let handle = tjInitCompress() else {
            throw LoomError(.render, "JPEG encoding failed: \(String(cString: tjGetErrorStr2(nil)))")
        }
        defer { tjDestroy(handle) }

        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let jpeg { tjFree(jpeg) } }
        let status = tjCompress2(
            handle, pixels.baseAddress, Int32(width), Int32(pitch), Int32(height), Int32(format.rawValue), &jpeg, &size,
            Int32(subsampling.rawValue), Int32(min(100, max(1, quality))), 0)
        guard status == 0, let jpeg else {
            throw LoomError(.render, "JPEG encoding failed: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }
}
