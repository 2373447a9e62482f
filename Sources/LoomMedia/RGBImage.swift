/// An 8-bit RGB image, rows top first, 3 bytes per pixel, no row padding.
///
/// This is what the decoders produce and what the resampler, the perceptual hash and `ImageEncoder.encodeJPEG`
/// consume: an opaque image with no alpha, no colour profile and no orientation left to apply.
public struct RGBImage: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `3 * width * height` bytes: red, green, blue for each pixel, row after row, top row first.
    public var pixels: [UInt8]

    /// Wraps existing pixel data.
    ///
    /// - Precondition: `width > 0`, `height > 0` and `pixels.count == 3 * width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an RGB image needs a positive size, not \(width)×\(height)")
        precondition(
            pixels.count == 3 * width * height,
            "an RGB image of \(width)×\(height) needs \(3 * width * height) bytes, not \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The colour of the pixel at column `x`, row `y`.
    ///
    /// - Precondition: the point lies inside the image.
    public func rgb(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside the image")
        let offset = 3 * (y * width + x)
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }
}
