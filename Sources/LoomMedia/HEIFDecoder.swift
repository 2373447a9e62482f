import CHeif

/// HEIF decoding through libheif: HEIC, the format phones save photos in (HEVC, through libde265 as Debian
/// builds libheif), and AVIF (AV1, through dav1d).
///
/// The primary image is decoded with the file's own turns, mirrorings and crop applied (its `irot`, `imir` and
/// `clap` boxes, which HEIF makes authoritative over any EXIF orientation), so the header's size is already the
/// displayed size and the orientation is 1. Grid images (a phone's 12-megapixel photo is a grid of 512×512
/// tiles) come back whole. libheif cannot scale while decoding: the caller downscales. Each call has its own
/// context, decoding on the calling thread only, so decoders may run on many threads at once.
enum HEIFDecoder {
    /// libheif's plugins register once per process (counted; never undone).
    private static let initialized: Void = { _ = heif_init(nil) }()

    static func inspect(_ bytes: [UInt8], format: DecodableFormat) throws -> ImageInfo {
        try withPrimaryImage(bytes, format: format) { handle in info(of: handle, format: format) }
    }

    static func decode(
        _ bytes: [UInt8], format: DecodableFormat, maxPixels: Int, colorProfile: ImageDecoder.ColorProfileUse = .convert
    ) throws -> (info: ImageInfo, image: RGBImage) {
        try withPrimaryImage(bytes, format: format) { handle in
            var info = info(of: handle, format: format)
            try ImageDecoder.checkPixelLimit(format, width: info.width, height: info.height, maxPixels: maxPixels)
            let hasAlpha = heif_image_handle_has_alpha_channel(handle) != 0
            let options = heif_decoding_options_alloc()
            defer { heif_decoding_options_free(options) }
            options?.pointee.convert_hdr_to_8bit = 1
            var decoded: OpaquePointer?
            try check(
                heif_decode_image(
                    handle, &decoded, heif_colorspace_RGB, hasAlpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, options),
                format: format)
            guard let decoded else { throw ImageDecodeError(.corruptImage, "\(format.displayName) decoding produced no image") }
            defer { heif_image_release(decoded) }
            let width = Int(heif_image_get_width(decoded, heif_channel_interleaved))
            let height = Int(heif_image_get_height(decoded, heif_channel_interleaved))
            var stride: Int32 = 0
            guard width > 0, height > 0, let plane = heif_image_get_plane_readonly(decoded, heif_channel_interleaved, &stride) else {
                throw ImageDecodeError(.corruptImage, "\(format.displayName) decoding produced no pixels")
            }
            let channels = hasAlpha ? 4 : 3
            let rowBytes = channels * width
            var pixels = [UInt8](repeating: 0, count: rowBytes * height)
            pixels.withUnsafeMutableBufferPointer { out in
                for row in 0..<height {
                    (out.baseAddress! + row * rowBytes).update(from: plane + row * Int(stride), count: rowBytes)
                }
            }
            if hasAlpha { AlphaFlattening.flattenOnWhite(&pixels, count: width * height) }
            var image = RGBImage(width: width, height: height, pixels: pixels)
            if let profile = ColorProfile.heifProfile(handle) {
                switch colorProfile {
                case .convert: ColorProfile.convertToSRGB(&image, from: profile)
                case .leaveToCaller: info.colorProfile = profile
                }
            }
            return (info, image)
        }
    }

    private static func info(of handle: OpaquePointer, format: DecodableFormat) -> ImageInfo {
        ImageInfo(
            format: format, storedWidth: Int(heif_image_handle_get_width(handle)),
            storedHeight: Int(heif_image_handle_get_height(handle)))
    }

    /// Reads the file's boxes (no pixels) and hands `body` its primary image.
    private static func withPrimaryImage<T>(
        _ bytes: [UInt8], format: DecodableFormat, _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        _ = initialized
        let codec = format == .avif ? heif_compression_AV1 : heif_compression_HEVC
        guard heif_have_decoder_for_format(codec) != 0 else {
            throw ImageDecodeError(
                .unsupportedFormat,
                "\(format.displayName) images cannot be read here: this machine's libheif has no \(format == .avif ? "AV1" : "HEVC") decoder")
        }
        guard let context = heif_context_alloc() else { throw ImageDecodeError(.corruptImage, "libheif could not start (out of memory)") }
        defer { heif_context_free(context) }
        // The ingest already decodes one image per core; libheif's own tile threads would only compete with them.
        heif_context_set_max_decoding_threads(context, 0)
        return try bytes.withUnsafeBytes { file in
            // Without a copy: `bytes` outlives every use of the context.
            try check(heif_context_read_from_memory_without_copy(context, file.baseAddress, file.count, nil), format: format)
            var handle: OpaquePointer?
            try check(heif_context_get_primary_image_handle(context, &handle), format: format)
            guard let handle else { throw ImageDecodeError(.corruptImage, "\(format.displayName) file has no primary image") }
            defer { heif_image_handle_release(handle) }
            return try body(handle)
        }
    }

    private static func check(_ error: heif_error, format: DecodableFormat) throws {
        guard error.code != heif_error_Ok else { return }
        let message = error.message.map { String(cString: $0) } ?? "error \(error.code.rawValue)"
        switch error.code {
        case heif_error_Unsupported_feature, heif_error_Unsupported_filetype:
            throw ImageDecodeError(.unsupportedFormat, "\(format.displayName) file uses what libheif does not read: \(message)")
        default:
            throw ImageDecodeError(.corruptImage, "truncated or corrupt \(format.displayName): \(message)")
        }
    }
}
