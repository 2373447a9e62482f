import Foundation
import LoomMedia

/// Test inputs made in code: synthetic pictures, hand-built PNG and JPEG pieces, and a few WebP files embedded
/// as bytes (libwebp's encoder is not linked into Loom).
enum TestImages {
    /// A photo-like picture: a two-colour gradient background, soft waves, a few discs and rectangles, all placed
    /// from `seed` so different seeds give different pictures.
    static func photo(width: Int = 320, height: Int = 240, seed: UInt64 = 1) -> RGBImage {
        var random = SplitMix(seed: seed)
        func colour() -> (Double, Double, Double) {
            (Double(random.next() % 256), Double(random.next() % 256), Double(random.next() % 256))
        }
        let (top, bottom) = (colour(), colour())
        let angle = Double(random.next() % 628) / 100
        let waves = 2 + Double(random.next() % 5)
        struct Shape { var disc: Bool; var x, y, size: Double; var colour: (Double, Double, Double) }
        let shapes = (0..<5).map { _ in
            Shape(
                disc: random.next() % 2 == 0, x: Double(random.next() % UInt64(width)),
                y: Double(random.next() % UInt64(height)), size: Double(15 + random.next() % UInt64(width / 4)),
                colour: colour())
        }
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        for y in 0..<height {
            for x in 0..<width {
                let t = Double(y) / Double(height - 1)
                let along = Double(x) * cos(angle) + Double(y) * sin(angle)
                let wave: Double = 20 * sin(waves * along / Double(width) * 6.28)
                var c = (
                    top.0 * (1 - t) + bottom.0 * t + wave, top.1 * (1 - t) + bottom.1 * t + wave,
                    top.2 * (1 - t) + bottom.2 * t - wave
                )
                for shape in shapes {
                    let (dx, dy) = (Double(x) - shape.x, Double(y) - shape.y)
                    let inside =
                        shape.disc ? dx * dx + dy * dy <= shape.size * shape.size
                        : abs(dx) <= shape.size && abs(dy) <= shape.size * 0.6
                    if inside { c = shape.colour }
                }
                let offset = 3 * (y * width + x)
                pixels[offset] = UInt8(max(0, min(255, c.0)))
                pixels[offset + 1] = UInt8(max(0, min(255, c.1)))
                pixels[offset + 2] = UInt8(max(0, min(255, c.2)))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// One colour everywhere.
    static func uniform(width: Int, height: Int, _ rgb: (UInt8, UInt8, UInt8)) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        for i in 0..<(width * height) {
            pixels[3 * i] = rgb.0
            pixels[3 * i + 1] = rgb.1
            pixels[3 * i + 2] = rgb.2
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// White, with a red `block`×`block` square in the top-left corner.
    static func redCorner(width: Int, height: Int, block: Int = 8) -> RGBImage {
        var image = uniform(width: width, height: height, (255, 255, 255))
        for y in 0..<block {
            for x in 0..<block {
                image.pixels[3 * (y * width + x) + 1] = 0
                image.pixels[3 * (y * width + x) + 2] = 0
            }
        }
        return image
    }

    /// Black and white alternating pixel by pixel.
    static func checkerboard(side: Int) -> RGBImage {
        var image = uniform(width: side, height: side, (0, 0, 0))
        for y in 0..<side {
            for x in 0..<side where (x + y) % 2 == 1 {
                for c in 0..<3 { image.pixels[3 * (y * side + x) + c] = 255 }
            }
        }
        return image
    }

    /// The mean absolute difference per byte between two images of the same size.
    static func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        let total = zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.pixels.count)
    }

    // MARK: JPEG pieces

    /// `jpeg` with an APP1 Exif segment carrying `orientation` inserted right after SOI.
    static func withOrientation(_ jpeg: [UInt8], _ orientation: UInt16, bigEndian: Bool = true) -> [UInt8] {
        let payload = Array("Exif".utf8) + [0, 0] + exifTIFF(orientation, bigEndian: bigEndian)
        let length = payload.count + 2
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
    }

    /// The TIFF structure of an EXIF block holding only an orientation tag (without the "Exif\0\0" header).
    static func exifTIFF(_ orientation: UInt16, bigEndian: Bool = true) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] {
            let bytes = [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
            return bigEndian ? bytes : bytes.reversed()
        }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]  // "MM" or "II"
        tiff += u16(42) + u32(8)  // magic, offset of IFD0
        tiff += u16(1)  // one entry
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]  // Orientation, SHORT, 1 value
        tiff += u32(0)  // no next IFD
        return tiff
    }

    // MARK: PNG pieces

    /// `png` with an `eXIf` chunk of `exif` put right after its header chunk, or just before `IEND` (after the
    /// image data, where the specification does not allow it) when `afterData`.
    static func pngWithEXIF(_ png: [UInt8], _ exif: [UInt8], afterData: Bool = false) -> [UInt8] {
        let at = afterData ? png.count - 12 : 8 + 25  // IEND is 12 bytes; the signature 8 and IHDR 25
        return Array(png[..<at]) + chunk("eXIf", exif) + Array(png[at...])
    }

    /// A PNG file from raw scanlines (each row's bytes without the filter byte), stored uncompressed.
    static func png(
        width: Int, height: Int, bitDepth: UInt8, colourType: UInt8, rows: [[UInt8]], palette: [UInt8]? = nil,
        transparency: [UInt8]? = nil
    ) -> [UInt8] {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [bitDepth, colourType, 0, 0, 0])
        if let palette { file += chunk("PLTE", palette) }
        if let transparency { file += chunk("tRNS", transparency) }
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }  // filter type 0 (None) on every row
        file += chunk("IDAT", zlibStored(raw))
        file += chunk("IEND", [])
        return file
    }

    /// A PNG whose header claims `width`×`height` with one tiny IDAT chunk: decoders must refuse it from the
    /// header alone.
    static func pngClaiming(width: Int, height: Int) -> [UInt8] {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        file += chunk("IDAT", zlibStored([0, 0, 0, 0]))
        file += chunk("IEND", [])
        return file
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(UInt32(data.count)) + typeBytes + data + be32(crc32(typeBytes + data))
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// The CRC-32 of PNG chunks (and zlib), bit by bit: slow but only ever run on a few bytes.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A zlib stream holding `data` in stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + be32(b << 16 | a)
    }

    // MARK: WebP files

    /// 4×3 lossless WebP, pixels row by row: red, green, blue, white / black, grey 128, yellow, cyan /
    /// magenta, (10,20,30), (200,100,50), (60,70,80). Made with Pillow 13: `Image.new("RGB", (4, 3))`,
    /// `putdata` of those colours, `save(..., "WEBP", lossless=True)`.
    static let webpLossless4x3: [UInt8] = [
        0x52, 0x49, 0x46, 0x46, 0x58, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c, 0x4c, 0x00,
        0x00, 0x00, 0x2f, 0x03, 0x80, 0x00, 0x00, 0x5f, 0x60, 0x98, 0x8d, 0xa4, 0x2e, 0xc4, 0x89, 0xdc, 0xf3, 0xfc,
        0x51, 0xce, 0x63, 0x35, 0x14, 0xb5, 0x6d, 0x03, 0xf9, 0x3f, 0x36, 0xc3, 0x70, 0xf2, 0x27, 0x34, 0x03, 0x69,
        0xdb, 0x64, 0x4a, 0x6e, 0xe1, 0x5c, 0xfa, 0x0d, 0x6e, 0xfe, 0x03, 0xa9, 0x82, 0xf0, 0x04, 0x54, 0x31, 0x31,
        0x36, 0xcf, 0xd5, 0xfa, 0x7b, 0x50, 0x10, 0x80, 0x0c, 0x53, 0x46, 0x05, 0xc1, 0x94, 0x50, 0x82, 0x9d, 0xd8,
        0x11, 0xfd, 0x0f, 0xea, 0xe1, 0x00,
    ]

    /// `webpLossless4x3` with EXIF orientation 6, as Pillow 13 writes it: `save(..., "WEBP", lossless=True,
    /// exif=exif)` with `exif[0x0112] = 6` gives a VP8X header, the VP8L image and an `EXIF` chunk of bare TIFF.
    static let webpLossless4x3Orientation6: [UInt8] = [
        0x52, 0x49, 0x46, 0x46, 0x8c, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x58, 0x0a, 0x00,
        0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x56, 0x50, 0x38, 0x4c, 0x4c, 0x00,
        0x00, 0x00, 0x2f, 0x03, 0x80, 0x00, 0x00, 0x5f, 0x60, 0x98, 0x8d, 0xa4, 0x2e, 0xc4, 0x89, 0xdc, 0xf3, 0xfc,
        0x51, 0xce, 0x63, 0x35, 0x14, 0xb5, 0x6d, 0x03, 0xf9, 0x3f, 0x36, 0xc3, 0x70, 0xf2, 0x27, 0x34, 0x03, 0x69,
        0xdb, 0x64, 0x4a, 0x6e, 0xe1, 0x5c, 0xfa, 0x0d, 0x6e, 0xfe, 0x03, 0xa9, 0x82, 0xf0, 0x04, 0x54, 0x31, 0x31,
        0x36, 0xcf, 0xd5, 0xfa, 0x7b, 0x50, 0x10, 0x80, 0x0c, 0x53, 0x46, 0x05, 0xc1, 0x94, 0x50, 0x82, 0x9d, 0xd8,
        0x11, 0xfd, 0x0f, 0xea, 0xe1, 0x00, 0x45, 0x58, 0x49, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x4d, 0x4d, 0x00, 0x2a,
        0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ]

    /// 2×2 lossless WebP with alpha, RGBA row by row: (255,0,0,255), (0,0,255,0) / (0,0,0,128), (0,255,0,255).
    /// Made with Pillow 13: `Image.new("RGBA", (2, 2))`, `putdata`, `save(..., "WEBP", lossless=True, exact=True)`.
    static let webpAlpha2x2: [UInt8] = [
        0x52, 0x49, 0x46, 0x46, 0x38, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c, 0x2b, 0x00,
        0x00, 0x00, 0x2f, 0x01, 0x40, 0x00, 0x10, 0x1f, 0x20, 0x10, 0x48, 0xda, 0x1f, 0x7a, 0x0d, 0x01, 0x41, 0x91,
        0xff, 0xa3, 0x09, 0x08, 0x8a, 0xfc, 0x1f, 0x4d, 0x40, 0x50, 0x74, 0xdd, 0x72, 0xc1, 0xd6, 0x8d, 0x04, 0x05,
        0x69, 0x1b, 0xb0, 0x68, 0x7f, 0x11, 0xfd, 0x0f, 0x1d, 0x00,
    ]

    /// 64×48 lossless WebP of the gradient (4x, 5y, 128). Made with Pillow 13: `putdata` of
    /// `[(x * 4, y * 5, 128) for y in range(48) for x in range(64)]`, `save(..., "WEBP", lossless=True)`.
    static let webpGradient64x48: [UInt8] = [
        0x52, 0x49, 0x46, 0x46, 0x34, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c, 0x28, 0x00,
        0x00, 0x00, 0x2f, 0x3f, 0xc0, 0x0b, 0x00, 0xb9, 0x32, 0x44, 0xf4, 0x3f, 0x76, 0x11, 0xd1, 0xff, 0x80, 0x9a,
        0xb6, 0x0d, 0x98, 0x4e, 0xfe, 0xc0, 0xfb, 0x57, 0x04, 0x92, 0xb6, 0x78, 0xdb, 0x3f, 0x80, 0x31, 0x01, 0x20,
        0x6e, 0xbd, 0x00, 0xd6, 0xff, 0x37,
    ]

    /// 16×16 lossy (VP8) WebP, all (200, 50, 100). Made with Pillow 13: `Image.new("RGB", (16, 16),
    /// (200, 50, 100)).save(..., "WEBP", quality=90)`.
    static let webpLossy16x16: [UInt8] = [
        0x52, 0x49, 0x46, 0x46, 0x32, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20, 0x26, 0x00,
        0x00, 0x00, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x10, 0x00, 0x10, 0x00, 0x00, 0xc0, 0x12, 0x25, 0xa0, 0x00,
        0x03, 0x70, 0x00, 0xfe, 0xf1, 0xdc, 0x0f, 0xff, 0xfd, 0x5d, 0xb7, 0xff, 0xea, 0x74, 0xff, 0xff, 0x53, 0xa7,
        0xff, 0x56, 0x50, 0x00,
    ]
}

/// A small deterministic random generator (SplitMix64), so synthetic pictures are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
