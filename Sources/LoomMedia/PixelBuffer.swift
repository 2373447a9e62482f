/// An image in memory, in cairo's `ARGB32` layout.
///
/// Each pixel is one native-endian 32-bit word `0xAARRGGBB` with premultiplied alpha, so on the
/// little-endian machines Loom runs on the bytes in memory are ordered blue, green, red, alpha.
/// Rows are `bytesPerRow` bytes apart, which may be more than `4 * width`.
public struct PixelBuffer: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Distance in bytes between the starts of two consecutive rows.
    public var bytesPerRow: Int
    /// `height * bytesPerRow` bytes of pixel data, top row first.
    public var pixels: [UInt8]

    /// Wraps existing pixel data.
    ///
    /// - Precondition: `bytesPerRow >= 4 * width` and `pixels.count >= height * bytesPerRow`.
    public init(width: Int, height: Int, bytesPerRow: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "a pixel buffer needs a positive size")
        precondition(bytesPerRow >= 4 * width, "rows must hold 4 bytes per pixel")
        precondition(pixels.count >= height * bytesPerRow, "pixel data is shorter than height * bytesPerRow")
        self.width = width
        self.height = height
        self.bytesPerRow = bytesPerRow
        self.pixels = pixels
    }

    /// A buffer of the given size filled with one opaque colour (components in 0...255).
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) {
        let bytesPerRow = 4 * width
        var pixels = [UInt8](repeating: 255, count: height * bytesPerRow)
        for offset in stride(from: 0, to: pixels.count, by: 4) {
            pixels[offset] = blue
            pixels[offset + 1] = green
            pixels[offset + 2] = red
        }
        self.init(width: width, height: height, bytesPerRow: bytesPerRow, pixels: pixels)
    }

    /// The colour of the pixel at column `x`, row `y`, with premultiplication undone.
    ///
    /// - Precondition: the point lies inside the buffer.
    public func rgba(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside the buffer")
        let offset = y * bytesPerRow + 4 * x
        let alpha = pixels[offset + 3]
        func unpremultiplied(_ value: UInt8) -> UInt8 {
            guard alpha != 255 else { return value }
            guard alpha != 0 else { return 0 }
            return UInt8(min(255, (Int(value) * 255 + Int(alpha) / 2) / Int(alpha)))
        }
        return (
            unpremultiplied(pixels[offset + 2]), unpremultiplied(pixels[offset + 1]), unpremultiplied(pixels[offset]),
            alpha
        )
    }

    /// True when every pixel has alpha 255.
    public var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { bytes in
            for row in 0..<height {
                var offset = row * bytesPerRow + 3
                for _ in 0..<width {
                    if bytes[offset] != 255 { return false }
                    offset += 4
                }
            }
            return true
        }
    }
}
