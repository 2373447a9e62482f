import CWebP

/// WebP decoding through libwebp's advanced API (`WebPDecode` with a `WebPDecoderConfig`), which can scale
/// while decoding.
enum WebPDecoder {
    static func inspect(_ bytes: [UInt8]) throws -> ImageInfo {
        let features = try readFeatures(bytes)
        return ImageInfo(
            format: .webp, storedWidth: Int(features.width), storedHeight: Int(features.height),
            orientation: EXIFOrientation.read(fromWebP: bytes))
    }

    static func decode(
        _ bytes: [UInt8], maxPixels: Int, minimumLongestSide: Int?
    ) throws -> (info: ImageInfo, image: RGBImage) {
        let features = try readFeatures(bytes)
        let info = ImageInfo(
            format: .webp, storedWidth: Int(features.width), storedHeight: Int(features.height),
            orientation: EXIFOrientation.read(fromWebP: bytes))
        try ImageDecoder.checkPixelLimit(.webp, width: info.storedWidth, height: info.storedHeight, maxPixels: maxPixels)
        guard features.has_animation == 0 else {
            throw ImageDecodeError(.unsupportedFormat, "animated WebP images are not supported (Loom reads still images only)")
        }

        var config = WebPDecoderConfig()
        guard loom_webp_init_config(&config) != 0 else {
            throw ImageDecodeError(.corruptImage, "WebP decoder could not start: libwebp version mismatch")
        }
        var (width, height) = (info.storedWidth, info.storedHeight)
        // libwebp's scaler averages the source pixels it shrinks, so unlike JPEG (limited to n/8 factors) the
        // longest side can land exactly on the minimum.
        let longest = max(width, height)
        if let minimumLongestSide, longest > minimumLongestSide {
            width = max(1, (width * minimumLongestSide + longest / 2) / longest)
            height = max(1, (height * minimumLongestSide + longest / 2) / longest)
            config.options.use_scaling = 1
            config.options.scaled_width = Int32(width)
            config.options.scaled_height = Int32(height)
        }
        let hasAlpha = features.has_alpha != 0
        let channels = hasAlpha ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: channels * width * height)
        let status = bytes.withUnsafeBufferPointer { file in
            pixels.withUnsafeMutableBufferPointer { out in
                // Decode straight into our array: libwebp allocates nothing for the output.
                config.output.colorspace = hasAlpha ? MODE_RGBA : MODE_RGB
                config.output.is_external_memory = 1
                config.output.u.RGBA.rgba = out.baseAddress
                config.output.u.RGBA.stride = Int32(channels * width)
                config.output.u.RGBA.size = out.count
                defer { WebPFreeDecBuffer(&config.output) }
                return WebPDecode(file.baseAddress, file.count, &config)
            }
        }
        guard status == VP8_STATUS_OK else { throw ImageDecodeError(.corruptImage, "truncated or corrupt WebP: \(describe(status))") }
        if hasAlpha { AlphaFlattening.flattenOnWhite(&pixels, count: width * height) }
        return (info, RGBImage(width: width, height: height, pixels: pixels).oriented(info.orientation))
    }

    private static func readFeatures(_ bytes: [UInt8]) throws -> WebPBitstreamFeatures {
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { file in
            loom_webp_get_features(file.baseAddress, file.count, &features)
        }
        guard status == VP8_STATUS_OK else { throw ImageDecodeError(.corruptImage, "truncated or corrupt WebP: \(describe(status))") }
        guard features.width > 0, features.height > 0 else {
            throw ImageDecodeError(.corruptImage, "corrupt WebP: header claims \(features.width)×\(features.height) pixels")
        }
        return features
    }

    private static func describe(_ status: VP8StatusCode) -> String {
        switch status {
        case VP8_STATUS_OUT_OF_MEMORY: "out of memory"
        case VP8_STATUS_INVALID_PARAM: "invalid parameter"
        case VP8_STATUS_BITSTREAM_ERROR: "bitstream error"
        case VP8_STATUS_UNSUPPORTED_FEATURE: "unsupported feature"
        case VP8_STATUS_SUSPENDED: "decoding suspended"
        case VP8_STATUS_USER_ABORT: "decoding aborted"
        case VP8_STATUS_NOT_ENOUGH_DATA: "not enough data (the file is cut short)"
        default: "libwebp status \(status.rawValue)"
        }
    }
}
