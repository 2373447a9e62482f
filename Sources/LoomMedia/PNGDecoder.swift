import CPNG
import CPNGRows

/// PNG decoding through libpng's simplified read API, which handles libpng's errors internally, so no
/// `setjmp`/`longjmp` crosses Swift frames.
enum PNGDecoder {
    /// Whether the PNG is an animation: an `acTL` chunk before the first `IDAT` (the APNG layout). libpng reads such
    /// a file as its first frame without a word.
    static func isAnimated(_ bytes: [UInt8]) -> Bool {
        var offset = 8  // the signature
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = bytes[offset + 4..<offset + 8]
            if type.elementsEqual("acTL".utf8) { return true }
            if type.elementsEqual("IDAT".utf8) { return false }
            offset += 12 + length
        }
        return false
    }

    /// Reads the header (with the `eXIf` orientation) and, when `maxPixels` is given, the pixels as displayed.
    ///
    /// The simplified API converts every PNG flavour (gray, palette, 16-bit, tRNS transparency) to the 8-bit
    /// RGB or RGBA asked for. Images with alpha are read as RGBA and flattened on white here rather than by
    /// libpng's background option, so PNG and WebP transparency end up composited the same way.
    ///
    /// - Parameters:
    ///   - maxPixels: nil to read the header only.
    ///   - minimumLongestSide: when the stored image is at least twice this on its longest side, it is read a row
    ///     at a time and reduced by the largest whole factor that keeps its longest side at least this long
    ///     (`loom_png_read_reduced`): a 10,000-pixel scan never holds its 300 MB of full-size pixels.
    static func read(_ bytes: [UInt8], maxPixels: Int?, minimumLongestSide: Int? = nil) throws -> (info: ImageInfo, image: RGBImage?) {
        // libpng keeps a pointer to the file bytes from begin_read until finish_read, so both happen inside
        // one access to the array's storage.
        try bytes.withUnsafeBytes { file in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            defer { png_image_free(&image) }
            guard png_image_begin_read_from_memory(&image, file.baseAddress, file.count) != 0 else {
                throw ImageDecodeError(.corruptImage, "truncated or corrupt PNG: \(message(image))")
            }
            if isAnimated(bytes) {
                // As for animated WebP and GIF: the first frame alone is not what the file shows.
                throw ImageDecodeError(.unsupportedFormat, "animated PNG (APNG) images are not supported (Loom reads still images only)")
            }
            let (width, height) = (Int(image.width), Int(image.height))
            let info = ImageInfo(format: .png, storedWidth: width, storedHeight: height, orientation: EXIFOrientation.read(fromPNG: bytes))
            guard let maxPixels else { return (info, nil) }
            try ImageDecoder.checkPixelLimit(.png, width: width, height: height, maxPixels: maxPixels)
            if let minimumLongestSide, case let factor = max(width, height) / max(1, minimumLongestSide), factor >= 2,
                let reduced = try reducedRead(file, factor: factor)
            {
                return (info, reduced.oriented(info.orientation))
            }

            // Without a gAMA or sRGB chunk libpng takes 16-bit samples to be linear light and brightens them on
            // the way to 8 bits (0x8080 would become 186). Such files are in practice sRGB-encoded, and Pillow
            // reads them so (0x8080 becomes 128); this flag makes libpng agree.
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            let hasAlpha = image.format & PNG_FORMAT_FLAG_ALPHA != 0
            let channels = hasAlpha ? 4 : 3
            image.format = PNG_FORMAT_FLAG_COLOR | (hasAlpha ? PNG_FORMAT_FLAG_ALPHA : 0)
            var pixels = [UInt8](repeating: 0, count: channels * width * height)
            let finished = pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&image, nil, out.baseAddress, Int32(channels * width), nil)
            }
            guard finished != 0 else { throw ImageDecodeError(.corruptImage, "truncated or corrupt PNG: \(message(image))") }
            if hasAlpha { AlphaFlattening.flattenOnWhite(&pixels, count: width * height) }
            return (info, RGBImage(width: width, height: height, pixels: pixels).oriented(info.orientation))
        }
    }

    /// The image reduced by `factor`, read a row at a time; nil for an interlaced file, which is read whole.
    private static func reducedRead(_ file: UnsafeRawBufferPointer, factor: Int) throws -> RGBImage? {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0
        var height: UInt32 = 0
        var error = [CChar](repeating: 0, count: 256)
        let status = loom_png_read_reduced(
            file.baseAddress?.assumingMemoryBound(to: UInt8.self), file.count, UInt32(factor), &pixels, &width, &height,
            &error, error.count)
        switch status {
        case LOOM_PNG_REDUCED_OK:
            guard let pixels else { return nil }
            defer { loom_png_free_reduced(pixels) }
            let count = 3 * Int(width) * Int(height)
            return RGBImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
        case LOOM_PNG_REDUCED_INTERLACED:
            return nil
        case LOOM_PNG_REDUCED_NO_MEMORY:
            throw ImageDecodeError(.corruptImage, "not enough memory to read the PNG")
        default:
            let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageDecodeError(.corruptImage, "truncated or corrupt PNG: \(text.isEmpty ? "unknown libpng error" : text)")
        }
    }

    /// The text libpng left in the image's message field.
    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            let text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            return text.isEmpty ? "unknown libpng error" : text
        }
    }
}
