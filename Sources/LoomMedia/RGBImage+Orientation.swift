extension RGBImage {
    /// The image as displayed for an EXIF orientation (1...8); the input itself for 1 or anything out of range.
    ///
    /// Orientation names what was done to the stored pixels relative to the scene: 2 mirrored, 3 rotated 180°,
    /// 4 flipped, 5 transposed, 6 needs 90° clockwise, 7 transversed, 8 needs 90° counter-clockwise. The
    /// mapping is the same as Pillow's `ImageOps.exif_transpose`.
    public func oriented(_ orientation: Int) -> RGBImage {
        guard (2...8).contains(orientation) else { return self }
        let (w, h) = (width, height)
        let swapped = orientation >= 5
        let (outWidth, outHeight) = swapped ? (h, w) : (w, h)
        // For each displayed pixel (x, y), the stored pixel it shows.
        let source: (Int, Int) -> (Int, Int) =
            switch orientation {
            case 2: { x, y in (w - 1 - x, y) }
            case 3: { x, y in (w - 1 - x, h - 1 - y) }
            case 4: { x, y in (x, h - 1 - y) }
            case 5: { x, y in (y, x) }
            case 6: { x, y in (y, h - 1 - x) }
            case 7: { x, y in (w - 1 - y, h - 1 - x) }
            default: { x, y in (w - 1 - y, x) }  // 8
            }
        let out = [UInt8](unsafeUninitializedCapacity: pixels.count) { target, count in
            pixels.withUnsafeBufferPointer { stored in
                var offset = 0
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let (sx, sy) = source(x, y)
                        let from = 3 * (sy * w + sx)
                        target[offset] = stored[from]
                        target[offset + 1] = stored[from + 1]
                        target[offset + 2] = stored[from + 2]
                        offset += 3
                    }
                }
            }
            count = pixels.count
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: out)
    }
}
