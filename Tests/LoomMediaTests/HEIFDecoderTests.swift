import CHeif
import Foundation
import Testing

@testable import LoomMedia

/// HEIC and AVIF photos, made here with libheif's own encoders (x265, aom) and read back through `ImageDecoder`.
@Suite("HEIC and AVIF decoding")
struct HEIFDecoderTests {
    /// Four flat quadrants: red top left, green top right, blue bottom left, white bottom right; where `alpha` is
    /// given, the bottom right quadrant is that transparent instead.
    static func quadrants(width: Int, height: Int, alpha: UInt8? = nil) -> [UInt8] {
        let channels = alpha == nil ? 3 : 4
        var pixels = [UInt8](repeating: 0, count: channels * width * height)
        for y in 0..<height {
            for x in 0..<width {
                let colour: [UInt8] = switch (x < width / 2, y < height / 2) {
                case (true, true): [220, 30, 30]
                case (false, true): [30, 200, 40]
                case (true, false): [30, 40, 210]
                case (false, false): [250, 250, 250]
                }
                let at = channels * (y * width + x)
                pixels.replaceSubrange(at..<at + 3, with: colour)
                if let alpha { pixels[at + 3] = (x >= width / 2 && y >= height / 2) ? alpha : 255 }
            }
        }
        return pixels
    }

    /// A file libheif writes: `format` HEVC (HEIC) or AV1 (AVIF), turned for display by `orientation`.
    static func encode(
        _ pixels: [UInt8], width: Int, height: Int, alpha: Bool = false, format: heif_compression_format = heif_compression_HEVC,
        orientation: heif_orientation = heif_orientation_normal, describe: (OpaquePointer) throws -> Void = { _ in }
    ) throws -> [UInt8] {
        let context = try #require(heif_context_alloc())
        defer { heif_context_free(context) }
        var image: OpaquePointer?
        #expect(heif_image_create(Int32(width), Int32(height), heif_colorspace_RGB, alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, &image).code == heif_error_Ok)
        let created = try #require(image)
        defer { heif_image_release(created) }
        #expect(heif_image_add_plane(created, heif_channel_interleaved, Int32(width), Int32(height), 8).code == heif_error_Ok)
        var stride: Int32 = 0
        let plane = try #require(heif_image_get_plane(created, heif_channel_interleaved, &stride))
        let rowBytes = (alpha ? 4 : 3) * width
        for row in 0..<height {
            pixels.withUnsafeBufferPointer { source in
                (plane + row * Int(stride)).update(from: source.baseAddress! + row * rowBytes, count: rowBytes)
            }
        }
        try describe(created)
        var encoder: OpaquePointer?
        #expect(heif_context_get_encoder_for_format(context, format, &encoder).code == heif_error_Ok)
        let chosen = try #require(encoder)
        defer { heif_encoder_release(chosen) }
        heif_encoder_set_lossy_quality(chosen, 95)
        let options = try #require(heif_encoding_options_alloc())
        defer { heif_encoding_options_free(options) }
        options.pointee.image_orientation = orientation
        // libheif leaves the nclx box out by default (a workaround for macOS); phones write it.
        options.pointee.macOS_compatibility_workaround_no_nclx_profile = 0
        #expect(heif_context_encode_image(context, created, chosen, options, nil).code == heif_error_Ok)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-\(UUID().uuidString).heif")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(heif_context_write_to_file(context, url.path).code == heif_error_Ok)
        return [UInt8](try Data(contentsOf: url))
    }

    /// The pixel at (x, y), within `tolerance` of `expected` in every channel (lossy coding, 4:2:0 chroma).
    static func near(_ image: RGBImage, _ x: Int, _ y: Int, _ expected: [Int], tolerance: Int = 24) -> Bool {
        let at = 3 * (y * image.width + x)
        return (0..<3).allSatisfy { abs(Int(image.pixels[at + $0]) - expected[$0]) <= tolerance }
    }

    @Test("a HEIC tagged Display P3 by an nclx description is converted to sRGB like one with a Display P3 profile; BT.709 and PQ ones are not")
    func nclxWideGamutIsConverted() throws {
        let pixels = Self.quadrants(width: 64, height: 64)
        func tagged(primaries: UInt16, transfer: UInt16) throws -> [UInt8] {
            try Self.encode(pixels, width: 64, height: 64) { image in
                let nclx = try #require(heif_nclx_color_profile_alloc())
                defer { heif_nclx_color_profile_free(nclx) }
                #expect(heif_nclx_color_profile_set_color_primaries(nclx, primaries).code == heif_error_Ok)
                #expect(heif_nclx_color_profile_set_transfer_characteristics(nclx, transfer).code == heif_error_Ok)
                #expect(heif_nclx_color_profile_set_matrix_coefficients(nclx, 6).code == heif_error_Ok)
                nclx.pointee.full_range_flag = 1
                #expect(heif_image_set_nclx_color_profile(image, nclx).code == heif_error_Ok)
            }
        }
        let p3 = try ColorProfileTests.displayP3()
        let withProfile = try ImageDecoder.decode(try Self.encode(pixels, width: 64, height: 64) { image in
            #expect(p3.withUnsafeBytes { heif_image_set_raw_color_profile(image, "prof", $0.baseAddress, p3.count) }.code == heif_error_Ok)
        }).image
        let displayP3 = try ImageDecoder.decode(try tagged(primaries: 12, transfer: 13)).image
        let bt709 = try ImageDecoder.decode(try tagged(primaries: 1, transfer: 13)).image
        let pq = try ImageDecoder.decode(try tagged(primaries: 9, transfer: 16)).image
        // The green quadrant: a P3 green is a greener sRGB green, as the profile makes it.
        let green = 3 * (10 * 64 + 50)
        let (plain, converted, reference) = (bt709.pixels[green..<green + 3], displayP3.pixels[green..<green + 3], withProfile.pixels[green..<green + 3])
        #expect(zip(converted, reference).allSatisfy { abs(Int($0) - Int($1)) <= 2 }, "\(Array(converted)) vs \(Array(reference))")
        #expect(Int(converted[converted.startIndex]) < Int(plain[plain.startIndex]) - 5, "\(Array(plain)) → \(Array(converted))")
        #expect(pq.pixels == bt709.pixels)  // HDR would need tone mapping: left as decoded
    }

    @Test("a HEIC photo decodes to its size and colours, and inspect reads the size without decoding")
    func heic() throws {
        let bytes = try Self.encode(Self.quadrants(width: 96, height: 64), width: 96, height: 64)
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info.format == .heif && info.width == 96 && info.height == 64)
        #expect(image.width == 96 && image.height == 64)
        #expect(Self.near(image, 10, 10, [220, 30, 30]) && Self.near(image, 85, 10, [30, 200, 40]))
        #expect(Self.near(image, 10, 55, [30, 40, 210]) && Self.near(image, 85, 55, [250, 250, 250]))
        let inspected = try ImageDecoder.inspect(bytes)
        #expect(inspected.format == .heif && inspected.width == 96 && inspected.height == 64)
    }

    @Test("a HEIC stored sideways (irot) comes back upright, at its displayed size")
    func rotated() throws {
        // Turned 90° clockwise for display: the stored top left (red) is shown at the top right.
        let bytes = try Self.encode(
            Self.quadrants(width: 96, height: 64), width: 96, height: 64, orientation: heif_orientation_rotate_90_cw)
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info.width == 64 && info.height == 96 && info.orientation == 1)
        #expect(image.width == 64 && image.height == 96)
        #expect(Self.near(image, 55, 10, [220, 30, 30]), "red belongs at the top right once turned")
        #expect(Self.near(image, 10, 10, [30, 40, 210]), "blue belongs at the top left once turned")
    }

    @Test("a HEIC with transparency is flattened on white, as PNG and WebP are")
    func transparency() throws {
        let bytes = try Self.encode(Self.quadrants(width: 64, height: 64, alpha: 0), width: 64, height: 64, alpha: true)
        let (_, image) = try ImageDecoder.decode(bytes)
        #expect(image.pixels.count == 3 * 64 * 64)
        #expect(Self.near(image, 10, 10, [220, 30, 30]) && Self.near(image, 55, 55, [255, 255, 255]))
    }

    @Test("an AVIF photo decodes through dav1d", .enabled(if: heif_have_encoder_for_format(heif_compression_AV1) != 0))
    func avif() throws {
        let bytes = try Self.encode(Self.quadrants(width: 64, height: 48), width: 64, height: 48, format: heif_compression_AV1)
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info.format == .avif && image.width == 64 && image.height == 48)
        #expect(Self.near(image, 5, 5, [220, 30, 30]) && Self.near(image, 60, 44, [250, 250, 250]))
    }

    @Test("a HEIC above the pixel limit is refused from its header; a cut-short one is named corrupt")
    func refusals() throws {
        let bytes = try Self.encode(Self.quadrants(width: 96, height: 64), width: 96, height: 64)
        do {
            _ = try ImageDecoder.decode(bytes, maxPixels: 1_000)
            Issue.record("the limit should refuse it")
        } catch let error as ImageDecodeError {
            #expect(error.kind == .tooManyPixels && error.reason.hasPrefix("HEIC header claims 96×64 pixels"))
        }
        for cut in [bytes.count / 2, 40] {
            do {
                _ = try ImageDecoder.decode(Array(bytes.prefix(cut)))
                Issue.record("a file cut at \(cut) bytes should not decode")
            } catch let error as ImageDecodeError {
                #expect(error.kind == .corruptImage && error.reason.contains("HEIC"), "\(error.reason)")
            }
        }
    }
}
