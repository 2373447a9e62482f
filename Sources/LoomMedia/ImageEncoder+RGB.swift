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
        return try image.pixels.withUnsafeBufferPointer { pixels in
            try JPEGWriter.compress(
                pixels, width: image.width, pitch: 3 * image.width, height: image.height, format: TJPF_RGB,
                subsampling: TJSAMP_420, quality: quality)
        }
    }

    /// PNG bytes of an RGB image (8 bits per channel, through libpng).
    ///
    /// - Throws: `LoomError` of kind `.render` when the pixel data does not match the size or libpng fails.
    public static func encodePNG(_ image: RGBImage) throws -> [UInt8] {
        guard image.pixels.count == 3 * image.width * image.height else {
            throw LoomError(
                .render,
                "PNG encoding failed: \(image.width)×\(image.height) RGB needs \(3 * image.width * image.height) bytes, "
                    + "the image has \(image.pixels.count)")
        }
        return try PNGWriter.encode(image)
    }
}
