import LoomCore
import LoomMedia
import Testing

@Suite struct ImageEncoderTests {
    /// A small opaque test image: a horizontal red ramp over a vertical blue ramp.
    func ramp(width: Int = 64, height: Int = 48, alpha: UInt8 = 255) -> PixelBuffer {
        var buffer = PixelBuffer(width: width, height: height, red: 0, green: 0, blue: 0)
        for y in 0..<height {
            for x in 0..<width {
                let offset = y * buffer.bytesPerRow + 4 * x
                buffer.pixels[offset] = UInt8(y * 255 / (height - 1))
                buffer.pixels[offset + 1] = 128
                buffer.pixels[offset + 2] = UInt8(x * 255 / (width - 1))
                buffer.pixels[offset + 3] = alpha
            }
        }
        return buffer
    }

    /// The big-endian 32-bit number at `offset`.
    func uint32(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
    }

    @Test func formatsHaveTheirExtensions() {
        #expect(ImageFormat.png.fileExtension == "png")
        #expect(ImageFormat.jpeg.fileExtension == "jpg")
        #expect(ImageFormat(rawValue: "jpeg") == .jpeg)
    }

    @Test func pngOfAnOpaqueImageIsRGB() throws {
        let bytes = try ImageEncoder.encode(ramp(), format: .png)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        #expect(uint32(bytes, at: 16) == 64 && uint32(bytes, at: 20) == 48)
        #expect(bytes[24] == 8)  // bit depth
        #expect(bytes[25] == 2)  // colour type: RGB without alpha
        #expect(String(decoding: bytes[(bytes.count - 8)..<(bytes.count - 4)], as: UTF8.self) == "IEND")
    }

    @Test func pngKeepsAlphaWhenTheImageIsNotOpaque() throws {
        let bytes = try ImageEncoder.encode(ramp(alpha: 0), format: .png)
        #expect(bytes[25] == 6)  // colour type: RGBA
    }

    @Test func pngHandlesPaddedRows() throws {
        let tight = ramp(width: 10, height: 4)
        var padded = PixelBuffer(width: 10, height: 4, bytesPerRow: 48, pixels: [UInt8](repeating: 7, count: 48 * 4))
        for y in 0..<4 {
            for x in 0..<40 { padded.pixels[y * 48 + x] = tight.pixels[y * 40 + x] }
        }
        #expect(try ImageEncoder.encode(padded, format: .png) == ImageEncoder.encode(tight, format: .png))
    }

    @Test func jpegIsAJPEGAndQualityMatters() throws {
        let buffer = ramp(width: 256, height: 192)
        let high = try ImageEncoder.encode(buffer, format: .jpeg, jpegQuality: 95)
        let low = try ImageEncoder.encode(buffer, format: .jpeg, jpegQuality: 30)
        #expect(Array(high.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(Array(high.suffix(2)) == [0xFF, 0xD9])
        #expect(low.count < high.count)
        let defaultQuality = try ImageEncoder.encode(buffer, format: .jpeg)
        #expect(try defaultQuality == ImageEncoder.encode(buffer, format: .jpeg, jpegQuality: 92))
        // Out-of-range qualities are clamped rather than rejected.
        let best = try ImageEncoder.encode(buffer, format: .jpeg, jpegQuality: 100)
        #expect(try ImageEncoder.encode(buffer, format: .jpeg, jpegQuality: 500) == best)
    }

    @Test func jpegFrameHeaderHasTheImageSize() throws {
        let bytes = try ImageEncoder.encode(ramp(width: 100, height: 60), format: .jpeg)
        // Find the baseline start-of-frame marker and read height and width from it.
        guard let sof = (0..<(bytes.count - 9)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }) else {
            Issue.record("no SOF0 marker")
            return
        }
        #expect(Int(bytes[sof + 5]) << 8 | Int(bytes[sof + 6]) == 60)
        #expect(Int(bytes[sof + 7]) << 8 | Int(bytes[sof + 8]) == 100)
        #expect(bytes[sof + 9] == 3)  // three components
        // 4:4:4: every component samples at 1×1.
        #expect(bytes[sof + 11] == 0x11 && bytes[sof + 14] == 0x11 && bytes[sof + 17] == 0x11)
    }

    @Test func pixelBufferReadsBackColours() {
        let buffer = PixelBuffer(width: 3, height: 2, red: 10, green: 20, blue: 30)
        let pixel = buffer.rgba(x: 2, y: 1)
        #expect(pixel.red == 10 && pixel.green == 20 && pixel.blue == 30 && pixel.alpha == 255)
        #expect(buffer.isOpaque)
    }
}
