import CTurboJPEG
import LoomCore

extension ImageEncoder {
    /// JPEG bytes of an RGB image, through TurboJPEG.
    ///
    /// Chroma is subsampled 4:2:0: these are users' photos, re-encoded after downscaling, where halved colour
    /// resolution is invisible and saves about a quarter of the file. (Loom's own scenes, with thin coloured
    /// text, go through `encode(_:format:jpegQuality:)`, which keeps 4:4:4.)
    ///
    /// - Parameter quality: JPEG quality in 1...100 (clamped).
    /// - Throws: `LoomError` of kind `.render` when the pixel data does not match the size or TurboJPEG fails.
    public static func encodeJPEG(_ image: RGBImage, quality: Int) throws -> [UInt8] {
        guard image.pixels.count == 3 * image.width * image.height else {
            throw LoomError(
                .render,
                "JPEG encoding failed: \(image.width)×\(image.height) RGB needs \(3 * image.width * image.height) bytes, "
                    + "the image has \(image.pixels.count)")
        }
        // A TurboJPEG handle must not be shared between threads: each call makes its own.
        guard let handle = tjInitCompress() else {
            throw LoomError(.render, "JPEG encoding failed: \(String(cString: tjGetErrorStr2(nil)))")
        }
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let jpeg { tjFree(jpeg) } }
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(image.width), Int32(3 * image.width), Int32(image.height),
                Int32(TJPF_RGB.rawValue), &jpeg, &size, Int32(TJSAMP_420.rawValue), Int32(min(100, max(1, quality))),
                0)
        }
        guard status == 0, let jpeg else {
            throw LoomError(.render, "JPEG encoding failed: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }
}
