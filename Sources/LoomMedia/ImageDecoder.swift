/// Reads JPEG, PNG, WebP, HEIC and AVIF files into `RGBImage`s.
///
/// Every call is independent and holds no shared state (codec handles are made per call), so decoders may
/// run on many threads at once. Errors are `ImageDecodeError`s whose reason names the problem plainly.
public enum ImageDecoder {
    /// Sniffs the format from the bytes (never the file extension) and reads the header.
    ///
    /// No pixel memory is allocated. The EXIF orientation is read too, so `width` and `height` are the displayed
    /// size.
    ///
    /// - Throws: `ImageDecodeError` for empty files, formats Loom does not read, and headers the codec rejects.
    public static func inspect(_ bytes: [UInt8]) throws -> ImageInfo {
        let format = try FormatSniffer.format(of: bytes)
        return switch format {
        case .jpeg: try JPEGDecoder.inspect(bytes)
        case .png: try PNGDecoder.read(bytes, maxPixels: nil).info
        case .webp: try WebPDecoder.inspect(bytes)
        case .heif, .avif: try HEIFDecoder.inspect(bytes, format: format)
        }
    }

    /// Decodes to RGB: EXIF orientation applied, grayscale/CMYK/palette/16-bit converted, alpha flattened on white.
    ///
    /// Refuses images above `maxPixels` (stored width × height) before allocating pixel memory.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - maxPixels: the largest stored width × height accepted.
    ///   - minimumLongestSide: when set, JPEG decodes with TurboJPEG's DCT scaling at the smallest factor whose
    ///     longest side is still at least this value, and WebP uses libwebp's scaler to make the longest side
    ///     exactly this value; PNG is read a row at a time and reduced by whole factors (`PNGDecoder`) when it is
    ///     at least twice this size; HEIC and AVIF decode whole. Callers pass about twice their target size and then
    ///     downscale with `Resampler`, which is much cheaper than decoding every pixel of a large photo.
    /// - Returns: the header facts (of the file, not of the possibly smaller result) and the displayed image.
    /// - Throws: `ImageDecodeError`.
    ///   - colorProfile: whether an embedded ICC profile is applied here (`convert`, the default) or handed to the
    ///     caller in `info.colorProfile` (`leaveToCaller`), who converts the smaller image it makes
    ///     (`ColorProfile.convertToSRGB`): the conversion costs about 5 ns a pixel.
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = 100_000_000, minimumLongestSide: Int? = nil, colorProfile: ColorProfileUse = .convert
    ) throws -> (info: ImageInfo, image: RGBImage) {
        let minimumLongestSide = minimumLongestSide.map { max(1, $0) }
        let format = try FormatSniffer.format(of: bytes)
        var decoded: (info: ImageInfo, image: RGBImage)
        switch format {
        case .jpeg:
            decoded = try JPEGDecoder.decode(bytes, maxPixels: maxPixels, minimumLongestSide: minimumLongestSide)
        case .png:
            let (info, image) = try PNGDecoder.read(bytes, maxPixels: maxPixels, minimumLongestSide: minimumLongestSide)
            guard let image else { throw ImageDecodeError(.corruptImage, "PNG decoding produced no pixels") }
            decoded = (info, image)
        case .webp:
            decoded = try WebPDecoder.decode(bytes, maxPixels: maxPixels, minimumLongestSide: minimumLongestSide)
        case .heif, .avif:
            // Decoded whole (libheif has no scaling decode); the caller's downscale does the rest. Its colour
            // profile is converted there, from the image handle.
            return try HEIFDecoder.decode(bytes, format: format, maxPixels: maxPixels, colorProfile: colorProfile)
        }
        // CMYK JPEGs are made RGB their own way (`JPEGDecoder`); their CMYK profiles are not RGB and stay unused.
        if let profile = ColorProfile.embedded(in: bytes, format: format) {
            switch colorProfile {
            case .convert: ColorProfile.convertToSRGB(&decoded.image, from: profile)
            case .leaveToCaller: decoded.info.colorProfile = profile
            }
        }
        return decoded
    }

    /// Who applies an image's embedded colour profile.
    public enum ColorProfileUse: Sendable {
        /// The decode converts the pixels to sRGB.
        case convert
        /// The decode leaves the pixels as stored and returns the profile in `ImageInfo.colorProfile`.
        case leaveToCaller
    }

    /// Throws when a header's stored size is above `maxPixels`; called before any pixel memory is allocated.
    static func checkPixelLimit(_ format: DecodableFormat, width: Int, height: Int, maxPixels: Int) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard overflow || pixels > maxPixels else { return }
        let size = overflow ? "" : pixels >= 100_000 ? " (\(megapixels(pixels)))" : ""
        throw ImageDecodeError(
            .tooManyPixels,
            "\(format.displayName) header claims \(width)×\(height) pixels\(size), above the limit of "
                + (maxPixels >= 100_000 ? megapixels(maxPixels) : "\(maxPixels) pixels"))
    }

    /// "100 megapixels", "12.3 megapixels".
    private static func megapixels(_ pixels: Int) -> String {
        if pixels % 1_000_000 == 0 { return "\(pixels / 1_000_000) megapixels" }
        let tenths = (pixels + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) megapixels"
    }
}
