/// An 8-bit gray image with packed rows: what the recognizer hands tesseract.
struct GrayImage {
    var width: Int
    var height: Int
    /// `width * height` bytes, top row first; 0 is black, 255 white.
    var pixels: [UInt8]

    /// Converts 8-bit pixels to gray with Rec. 601 luma weights.
    ///
    /// `channels` is 1 (gray), 3 (red, green, blue) or 4 (blue, green, red, alpha with premultiplied alpha, as
    /// cairo's ARGB32 lies in memory on little-endian machines); four-channel pixels are composited over white.
    /// The caller has checked that `pixels` holds every row.
    init(pixels: UnsafeRawBufferPointer, width: Int, height: Int, channels: Int, bytesPerRow: Int) {
        self.width = width
        self.height = height
        var gray = [UInt8](repeating: 255, count: width * height)
        gray.withUnsafeMutableBufferPointer { out in
            for row in 0..<height {
                let source = row * bytesPerRow
                let target = row * width
                switch channels {
                case 1:
                    for x in 0..<width { out[target + x] = pixels[source + x] }
                case 3:
                    for x in 0..<width {
                        let p = source + 3 * x
                        out[target + x] = Self.luma(red: pixels[p], green: pixels[p + 1], blue: pixels[p + 2])
                    }
                default:
                    for x in 0..<width {
                        let p = source + 4 * x
                        // Premultiplied colour over white: c + (255 - alpha).
                        let cover = 255 - Int(pixels[p + 3])
                        out[target + x] = Self.luma(
                            red: UInt8(min(255, Int(pixels[p + 2]) + cover)),
                            green: UInt8(min(255, Int(pixels[p + 1]) + cover)),
                            blue: UInt8(min(255, Int(pixels[p]) + cover)))
                    }
                }
            }
        }
        self.pixels = gray
    }

    init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    @inline(__always)
    static func luma(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let sum: Int = 77 * Int(red) + 150 * Int(green) + 29 * Int(blue)
        return UInt8((sum + 128) >> 8)
    }

    /// The image enlarged `factor` times in each direction with bilinear interpolation; itself for factor 1.
    func upscaled(by factor: Int) -> GrayImage {
        guard factor > 1 else { return self }
        let (outWidth, outHeight) = (width * factor, height * factor)
        // Source position of each output column and row (pixel centres aligned), as an index and a weight in
        // 1/256ths for the next sample.
        func taps(_ count: Int, _ size: Int) -> [(index: Int, next: Int, weight: Int)] {
            (0..<count).map { out in
                let position = max(0, (Double(out) + 0.5) / Double(factor) - 0.5)
                let index = min(size - 1, Int(position))
                let weight = Int(((position - Double(index)) * 256).rounded())
                return (index, min(size - 1, index + 1), index == size - 1 ? 0 : weight)
            }
        }
        let columns = taps(outWidth, width)
        let rows = taps(outHeight, height)
        var result = [UInt8](repeating: 0, count: outWidth * outHeight)
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { out in
                for (y, row) in rows.enumerated() {
                    let top = row.index * width
                    let bottom = row.next * width
                    let wy = row.weight
                    let target = y * outWidth
                    for (x, column) in columns.enumerated() {
                        let wx = column.weight
                        let a = Int(source[top + column.index]) * (256 - wx) + Int(source[top + column.next]) * wx
                        let b = Int(source[bottom + column.index]) * (256 - wx) + Int(source[bottom + column.next]) * wx
                        out[target + x] = UInt8((a * (256 - wy) + b * wy + 32768) >> 16)
                    }
                }
            }
        }
        return GrayImage(width: outWidth, height: outHeight, pixels: result)
    }
}

extension GrayImage {
    /// Black where the image is darker than `threshold`, white elsewhere.
    func binarized(below threshold: UInt8) -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { $0 < threshold ? 0 : 255 })
    }
}
