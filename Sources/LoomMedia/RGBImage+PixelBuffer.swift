extension RGBImage {
    /// The RGB pixels of an opaque cairo buffer (premultiplied alpha is ignored: drawn scenes are opaque).
    public init(_ buffer: PixelBuffer) {
        var pixels = [UInt8](repeating: 0, count: buffer.width * buffer.height * 3)
        buffer.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for y in 0..<buffer.height {
                    let row = y * buffer.bytesPerRow
                    let out = y * buffer.width * 3
                    for x in 0..<buffer.width {
                        // Little-endian ARGB32: blue, green, red, alpha in memory.
                        target[out + x * 3] = source[row + x * 4 + 2]
                        target[out + x * 3 + 1] = source[row + x * 4 + 1]
                        target[out + x * 3 + 2] = source[row + x * 4]
                    }
                }
            }
        }
        self.init(width: buffer.width, height: buffer.height, pixels: pixels)
    }
}
