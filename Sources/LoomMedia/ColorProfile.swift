import CHeif
import CLCMS2
import CPNGRows
import Foundation
import Synchronization

/// The ICC colour profile a photo carries, and the conversion of its pixels to sRGB through Little CMS.
///
/// Phones save photos in wider gamuts than sRGB (an iPhone's Display P3; Adobe RGB from cameras) and say so with
/// an embedded profile. Browsers convert them; decoders hand the stored numbers over as they are, which shown or
/// trained on as sRGB look washed out (a P3 red of (230, 20, 21) is sRGB (252, 0, 0)). Loom's images are sRGB, so
/// decoding converts every RGB image whose profile is not sRGB: JPEG's `APP2 ICC_PROFILE` segments, PNG's
/// `iCCP`, WebP's `ICCP` chunk, HEIF's `prof`/`rICC` colour profile. Gray and CMYK profiles are left alone (those
/// images are turned into RGB their own way).
public enum ColorProfile {
    /// The embedded ICC profile of an image file; nil when it has none.
    static func embedded(in bytes: [UInt8], format: DecodableFormat) -> [UInt8]? {
        switch format {
        case .jpeg: jpegProfile(bytes)
        case .png: pngProfile(bytes)
        case .webp: webpProfile(bytes)
        case .heif, .avif: nil  // read from the decoder's image handle (`heifProfile`)
        }
    }

    /// Converts `image` from `profile` to sRGB in place; leaves it as it is when the profile is sRGB, not RGB, or
    /// cannot be read (a broken profile is no reason to refuse the photo).
    public static func convertToSRGB(_ image: inout RGBImage, from profile: [UInt8]) {
        guard !image.pixels.isEmpty, let transform = Transforms.shared.transform(for: profile) else { return }
        let pixels = UInt32(image.pixels.count / 3)
        // Held to the end: the cache may let go of it meanwhile, and its deinit deletes the lcms2 transform.
        withExtendedLifetime(transform) {
            image.pixels.withUnsafeMutableBytes { buffer in
                // In place: the input and output formats are the same (lcms2 allows it then).
                cmsDoTransform(transform.handle, buffer.baseAddress, buffer.baseAddress, pixels)
            }
        }
    }

    /// The colour profile of a HEIF image handle: its `prof` or `rICC` bytes, or one made from a wide-gamut `nclx`
    /// description (`NCLXProfile`); nil for none or an `nclx` with BT.709/sRGB primaries, the common case.
    static func heifProfile(_ handle: OpaquePointer) -> [UInt8]? {
        let type = heif_image_handle_get_color_profile_type(handle)
        if type == heif_color_profile_type_nclx { return NCLXProfile.profile(of: handle) }
        guard type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC else { return nil }
        let size = heif_image_handle_get_raw_color_profile_size(handle)
        guard size > 0 else { return nil }
        var profile = [UInt8](repeating: 0, count: size)
        let error = profile.withUnsafeMutableBytes { heif_image_handle_get_raw_color_profile(handle, $0.baseAddress) }
        return error.code == heif_error_Ok ? profile : nil
    }

    // MARK: Reading profiles

    private static let jpegTag: [UInt8] = Array("ICC_PROFILE".utf8) + [0]

    /// The profile of a JPEG's `APP2 ICC_PROFILE` segments, joined in their sequence numbers' order (a profile over
    /// 64 KiB is split across several).
    static func jpegProfile(_ bytes: [UInt8]) -> [UInt8]? {
        var chunks: [Int: ArraySlice<UInt8>] = [:]
        var declaredCount = 0
        JPEGSegments.forEach(in: bytes) { marker, payload in
            guard marker == 0xE2, payload.count > jpegTag.count + 2, bytes[payload].starts(with: jpegTag) else { return true }
            let start = payload.lowerBound + jpegTag.count
            chunks[Int(bytes[start])] = bytes[(start + 2)..<payload.upperBound]
            declaredCount = max(declaredCount, Int(bytes[start + 1]))
            return true
        }
        guard declaredCount > 0, chunks.count == declaredCount else { return nil }
        var profile: [UInt8] = []
        for sequence in 1...declaredCount {
            guard let chunk = chunks[sequence] else { return nil }
            profile += chunk
        }
        return profile
    }

    /// The profile of a PNG's `iCCP` chunk (zlib-compressed; libpng inflates it), looked for only when the chunk
    /// is there before the image data. Nil too when the file also has a `gAMA` chunk of another gamma than sRGB's:
    /// libpng has applied that gamma already (to sRGB's), and the profile's curves on top would apply one twice. A
    /// `gAMA` of about 1/2.2 beside the profile (what most tools write with a Display P3 or Adobe RGB profile) was
    /// close to no change, so the profile still converts the colours, as the PNG specification has it win.
    static func pngProfile(_ bytes: [UInt8]) -> [UInt8]? {
        var offset = 8
        var found = false
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = bytes[offset + 4..<offset + 8]
            guard offset + 12 + length <= bytes.count else { break }
            if type.elementsEqual("gAMA".utf8), length == 4 {
                let gamma = bytes[offset + 8..<offset + 12].reduce(0) { $0 << 8 | Int($1) }
                if abs(gamma - 45455) > 1000 { return nil }
            }
            if type.elementsEqual("iCCP".utf8) { found = true }
            if type.elementsEqual("IDAT".utf8) { break }
            offset += 12 + length
        }
        guard found else { return nil }
        var profile: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard bytes.withUnsafeBufferPointer({ loom_png_icc_profile($0.baseAddress, $0.count, &profile, &size) }) == 1, let profile
        else { return nil }
        defer { free(profile) }
        return Array(UnsafeBufferPointer(start: profile, count: size))
    }

    /// The profile of a WebP's `ICCP` chunk (extended format only).
    static func webpProfile(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else { return nil }
        var offset = 12
        while offset + 8 <= bytes.count {
            let size = bytes[offset + 4..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            guard offset + 8 + size <= bytes.count else { return nil }
            if bytes[offset..<offset + 4].elementsEqual("ICCP".utf8) { return Array(bytes[offset + 8..<offset + 8 + size]) }
            offset += 8 + size + (size & 1)
        }
        return nil
    }

    // MARK: Transforms

    /// An lcms2 transform from one profile to sRGB, 8-bit RGB both ways, made without lcms2's one-pixel cache so
    /// that threads may share it.
    final class Transform: @unchecked Sendable {
        let handle: cmsHTRANSFORM
        init(_ handle: cmsHTRANSFORM) { self.handle = handle }
        deinit { cmsDeleteTransform(handle) }
    }

    /// The transforms made so far, by profile: a collection's photos share a few profiles (every iPhone photo
    /// carries the same Display P3 bytes), and making a transform costs about a millisecond.
    final class Transforms: Sendable {
        static let shared = Transforms()
        /// nil for a profile that needs no transform (sRGB, not RGB, unreadable).
        private let made = Mutex<[[UInt8]: Transform?]>([:])

        func transform(for profile: [UInt8]) -> Transform? {
            if let known = made.withLock({ $0[profile] }) { return known }
            let transform = Self.make(profile)
            made.withLock { made in
                // A bound for collections of many profiles: one made earlier goes.
                if made.count >= 64, let some = made.keys.first { made[some] = nil }
                made[profile] = transform
            }
            return transform
        }

        private static func make(_ profile: [UInt8]) -> Transform? {
            guard let source = profile.withUnsafeBytes({ cmsOpenProfileFromMem($0.baseAddress, UInt32($0.count)) }) else { return nil }
            defer { cmsCloseProfile(source) }
            guard cmsGetColorSpace(source) == cmsSigRgbData, !isSRGB(source), let sRGB = cmsCreate_sRGBProfile() else { return nil }
            defer { cmsCloseProfile(sRGB) }
            let format = LOOM_TYPE_RGB_8
            guard let handle = cmsCreateTransform(source, format, sRGB, format, UInt32(INTENT_PERCEPTUAL), UInt32(cmsFLAGS_NOCACHE))
            else { return nil }
            return Transform(handle)
        }

        /// Whether a profile describes sRGB (by its description, as "sRGB IEC61966-2.1", "sRGB built-in" say).
        private static func isSRGB(_ profile: cmsHPROFILE) -> Bool {
            var text = [CChar](repeating: 0, count: 256)
            let count = cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", &text, UInt32(text.count))
            guard count > 0 else { return false }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased().contains("srgb")
        }
    }
}
