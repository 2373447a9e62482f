import CTurboJPEG
import LoomCore
import Testing

@testable import LoomMedia

@Suite struct ImageDecoderTests {
    /// The reason of the `ImageDecodeError` that `body` throws (nil when it throws nothing or something else).
    func reason(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ImageDecodeError {
            return error.reason
        } catch {
            return nil
        }
    }

    /// JPEG bytes made with TurboJPEG from raw pixels in any TurboJPEG pixel format.
    func turboJPEG(_ pixels: [UInt8], width: Int, height: Int, format: TJPF, subsampling: TJSAMP) throws -> [UInt8] {
        let handle = try #require(tjInitCompress())
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let jpeg { tjFree(jpeg) } }
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(
                handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(format.rawValue), &jpeg, &size,
                Int32(subsampling.rawValue), 95, 0)
        }
        try #require(status == 0)
        return Array(UnsafeBufferPointer(start: try #require(jpeg), count: Int(size)))
    }

    func isClose(_ pixel: (red: UInt8, green: UInt8, blue: UInt8), _ expected: (Int, Int, Int), within: Int = 12) -> Bool {
        abs(Int(pixel.red) - expected.0) <= within && abs(Int(pixel.green) - expected.1) <= within
            && abs(Int(pixel.blue) - expected.2) <= within
    }

    // MARK: Round trips

    @Test func jpegRoundTrip() throws {
        let original = TestImages.photo(width: 160, height: 120)
        let bytes = try ImageEncoder.encodeJPEG(original, quality: 95)
        #expect(Array(bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let info = try ImageDecoder.inspect(bytes)
        #expect(info == ImageInfo(format: .jpeg, storedWidth: 160, storedHeight: 120, orientation: 1))
        let (decodedInfo, image) = try ImageDecoder.decode(bytes)
        #expect(decodedInfo == info)
        #expect(image.width == 160 && image.height == 120)
        #expect(TestImages.meanDifference(image, original) < 3)
    }

    @Test func jpegQualityChangesSize() throws {
        let original = TestImages.photo(width: 160, height: 120)
        #expect(try ImageEncoder.encodeJPEG(original, quality: 30).count < ImageEncoder.encodeJPEG(original, quality: 95).count)
    }

    @Test func pngRoundTripIsExact() throws {
        var buffer = PixelBuffer(width: 7, height: 5, red: 0, green: 0, blue: 0)
        var expected = [UInt8]()
        for y in 0..<5 {
            for x in 0..<7 {
                let (r, g, b) = (UInt8(x * 36), UInt8(y * 60), UInt8((x * y * 11) % 256))
                let offset = y * buffer.bytesPerRow + 4 * x
                buffer.pixels[offset] = b
                buffer.pixels[offset + 1] = g
                buffer.pixels[offset + 2] = r
                expected += [r, g, b]
            }
        }
        let bytes = try ImageEncoder.encode(buffer, format: .png)
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info == ImageInfo(format: .png, storedWidth: 7, storedHeight: 5, orientation: 1))
        #expect(image == RGBImage(width: 7, height: 5, pixels: expected))
    }

    @Test func webpLosslessDecodesExactly() throws {
        let (info, image) = try ImageDecoder.decode(TestImages.webpLossless4x3)
        #expect(info.format == .webp && info.width == 4 && info.height == 3 && info.orientation == 1)
        let expected: [UInt8] = [
            255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255,
            0, 0, 0, 128, 128, 128, 255, 255, 0, 0, 255, 255,
            255, 0, 255, 10, 20, 30, 200, 100, 50, 60, 70, 80,
        ]
        #expect(image.pixels == expected)
    }

    @Test func webpLossyDecodes() throws {
        let (info, image) = try ImageDecoder.decode(TestImages.webpLossy16x16)
        #expect(info.width == 16 && info.height == 16)
        #expect(isClose(image.rgb(x: 8, y: 8), (200, 50, 100), within: 4))
    }

    @Test func webpAlphaIsFlattenedOnWhite() throws {
        let (_, image) = try ImageDecoder.decode(TestImages.webpAlpha2x2)
        #expect(image.pixels == [255, 0, 0, 255, 255, 255, 127, 127, 127, 0, 255, 0])
    }

    // MARK: Scaled decoding

    @Test func jpegDecodesScaledByDCT() throws {
        let bytes = try ImageEncoder.encodeJPEG(TestImages.photo(width: 640, height: 480), quality: 90)
        // 1/8 would give 80 px, below the minimum of 100; 1/4 gives 160.
        let (info, image) = try ImageDecoder.decode(bytes, minimumLongestSide: 100)
        #expect(info.width == 640 && info.height == 480)
        #expect(image.width == 160 && image.height == 120)
        let (_, exact) = try ImageDecoder.decode(bytes, minimumLongestSide: 160)
        #expect(exact.width == 160 && exact.height == 120)
        let (_, full) = try ImageDecoder.decode(bytes, minimumLongestSide: 1000)
        #expect(full.width == 640 && full.height == 480)
    }

    @Test func webpDecodesScaled() throws {
        let (info, image) = try ImageDecoder.decode(TestImages.webpGradient64x48, minimumLongestSide: 16)
        #expect(info.width == 64 && info.height == 48)
        #expect(image.width == 16 && image.height == 12)
        // Column 0 of the gradient has red 0..12, column 15 averages the last four source columns' red (240...252).
        #expect(image.rgb(x: 0, y: 6).red < 20 && image.rgb(x: 15, y: 6).red > 230)
    }

    @Test func pngIsReducedByWholeFactorsOnlyWhenTwiceTheMinimumSide() throws {
        let bytes = try ImageEncoder.encode(PixelBuffer(width: 64, height: 32, red: 9, green: 9, blue: 9), format: .png)
        let reduced = try ImageDecoder.decode(bytes, minimumLongestSide: 8)
        #expect(reduced.image.width == 8 && reduced.image.height == 4)
        #expect(reduced.info.width == 64 && reduced.info.height == 32)
        #expect(reduced.image.pixels.allSatisfy { $0 == 9 })
        let whole = try ImageDecoder.decode(bytes, minimumLongestSide: 40)
        #expect(whole.image.width == 64 && whole.image.height == 32)
    }

    @Test("a PNG read a row at a time and reduced is the mean of each block of the whole decode, in every flavour", arguments: [
        (UInt8(8), UInt8(2)), (8, 6), (16, 2), (16, 6), (8, 0), (8, 4), (8, 3),
    ])
    func pngReducedMatchesTheBlockMeans(bitDepth: UInt8, colourType: UInt8) throws {
        let (width, height, factor) = (37, 23, 4)
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colourType)]!
        var generator = SeededGenerator(seed: UInt64(bitDepth) << 8 | UInt64(colourType))
        let rows = (0..<height).map { _ in
            (0..<(width * channels * Int(bitDepth) / 8)).map { _ in UInt8(truncatingIfNeeded: generator.next()) % (colourType == 3 ? 4 : 255) }
        }
        let palette: [UInt8]? = colourType == 3 ? [255, 0, 0, 0, 128, 255, 20, 20, 20, 200, 200, 0] : nil
        let bytes = TestImages.png(
            width: width, height: height, bitDepth: bitDepth, colourType: colourType, rows: rows, palette: palette,
            transparency: colourType == 3 ? [255, 128, 0, 255] : nil)
        let whole = try ImageDecoder.decode(bytes).image
        let reduced = try ImageDecoder.decode(bytes, minimumLongestSide: width / factor).image
        #expect(reduced.width == (width + factor - 1) / factor && reduced.height == (height + factor - 1) / factor)
        var largest = 0
        for y in 0..<reduced.height {
            for x in 0..<reduced.width {
                for channel in 0..<3 {
                    var sum = 0
                    var count = 0
                    for sy in (y * factor)..<min(height, (y + 1) * factor) {
                        for sx in (x * factor)..<min(width, (x + 1) * factor) {
                            sum += Int(whole.pixels[3 * (sy * width + sx) + channel])
                            count += 1
                        }
                    }
                    let mean = Double(sum) / Double(count)
                    largest = max(largest, Int(abs(Double(reduced.pixels[3 * (y * reduced.width + x) + channel]) - mean).rounded(.up)))
                }
            }
        }
        // Rounding: the whole decode rounds each pixel to 8 bits before the mean is taken.
        #expect(largest <= 1)
    }

    @Test("a PNG's own gamma (gAMA) is applied alike by the whole decode and the row-reduced one, whatever the size")
    func pngGammaIsAppliedAlikeOnBothPaths() throws {
        let (width, height, factor) = (32, 16, 4)
        let rows = (0..<height).map { _ in (0..<(width * 3)).map { UInt8(($0 * 7) % 256) } }
        let plain = TestImages.png(width: width, height: height, bitDepth: 8, colourType: 2, rows: rows)
        // gAMA 1.0: the file's samples are linear light, which sRGB shows brighter.
        let linear = Array(plain[..<33]) + TestImages.chunk("gAMA", TestImages.be32(100_000)) + Array(plain[33...])
        let whole = try ImageDecoder.decode(linear).image
        let reduced = try ImageDecoder.decode(linear, minimumLongestSide: width / factor).image
        func mean(_ pixels: [UInt8]) -> Double { Double(pixels.reduce(0) { $0 + Int($1) }) / Double(pixels.count) }
        #expect(mean(whole.pixels) > mean(try ImageDecoder.decode(plain).image.pixels) + 20)
        #expect(abs(mean(reduced.pixels) - mean(whole.pixels)) < 2)
    }

    @Test func anInterlacedPNGIsReadWholeThenReduced() throws {
        // 8×8, Adam7: seven passes of (rows, pixels a row); every pixel the same colour.
        let passes = [(1, 1), (1, 1), (1, 2), (2, 2), (2, 4), (4, 4), (4, 8)]
        let colour: [UInt8] = [40, 90, 200]
        var raw: [UInt8] = []
        for (rows, pixels) in passes {
            for _ in 0..<rows { raw += [0] + (0..<pixels).flatMap { _ in colour } }
        }
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += TestImages.chunk("IHDR", [0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 1])
        file += TestImages.chunk("IDAT", TestImages.zlibStored(raw))
        file += TestImages.chunk("IEND", [])
        let (_, image) = try ImageDecoder.decode(file, minimumLongestSide: 2)
        #expect(image.width == 8 && image.height == 8)
        #expect(image.pixels == (0..<64).flatMap { _ in colour })
    }

    @Test func aTruncatedPNGIsRefusedWhenReadReduced() throws {
        let bytes = try ImageEncoder.encode(PixelBuffer(width: 64, height: 32, red: 9, green: 90, blue: 9), format: .png)
        #expect(throws: ImageDecodeError.self) { try ImageDecoder.decode(Array(bytes.prefix(bytes.count - 30)), minimumLongestSide: 8) }
    }

    // MARK: Orientation

    @Test func exifOrientationSixRotatesClockwise() throws {
        let jpeg = try ImageEncoder.encodeJPEG(TestImages.redCorner(width: 32, height: 16), quality: 95)
        let rotated = TestImages.withOrientation(jpeg, 6)
        let info = try ImageDecoder.inspect(rotated)
        #expect(info.orientation == 6)
        #expect(info.storedWidth == 32 && info.storedHeight == 16 && info.width == 16 && info.height == 32)
        let (_, image) = try ImageDecoder.decode(rotated)
        #expect(image.width == 16 && image.height == 32)
        #expect(isClose(image.rgb(x: 13, y: 2), (255, 0, 0)))  // the red corner is now top right
        #expect(isClose(image.rgb(x: 2, y: 2), (255, 255, 255)))
        #expect(isClose(image.rgb(x: 13, y: 29), (255, 255, 255)))
    }

    @Test("a PNG's eXIf orientation is applied, with or without the Exif header, but not from after the image data")
    func pngEXIFOrientation() throws {
        let png = try ImageEncoder.encodePNG(TestImages.redCorner(width: 32, height: 16))
        let stored = try ImageDecoder.decode(png).image
        for exif in [TestImages.exifTIFF(6), Array("Exif".utf8) + [0, 0] + TestImages.exifTIFF(6, bigEndian: false)] {
            let turned = TestImages.pngWithEXIF(png, exif)
            let info = try ImageDecoder.inspect(turned)
            #expect(info.orientation == 6 && info.width == 16 && info.height == 32)
            let (decodedInfo, image) = try ImageDecoder.decode(turned)
            #expect(decodedInfo == info)
            #expect(image == stored.oriented(6))
            #expect(isClose(image.rgb(x: 13, y: 2), (255, 0, 0)))  // the red corner is now top right
        }
        // Browsers read eXIf only before the image data, where the PNG specification puts it; Loom agrees.
        let late = TestImages.pngWithEXIF(png, TestImages.exifTIFF(6), afterData: true)
        #expect(try ImageDecoder.decode(late).image == stored)
    }

    @Test("a WebP's EXIF orientation is applied, as Pillow's exif_transpose applies it, scaled or not")
    func webpEXIFOrientation() throws {
        let (info, image) = try ImageDecoder.decode(TestImages.webpLossless4x3Orientation6)
        #expect(info.orientation == 6 && info.width == 3 && info.height == 4)
        // What `ImageOps.exif_transpose` (Pillow 13) gives for the same file.
        let pillow: [UInt8] = [
            255, 0, 255, 0, 0, 0, 255, 0, 0,
            10, 20, 30, 128, 128, 128, 0, 255, 0,
            200, 100, 50, 255, 255, 0, 0, 0, 255,
            60, 70, 80, 0, 255, 255, 255, 255, 255,
        ]
        #expect(image.pixels == pillow)
        // Scaled to 3×2 as stored, shown 2×3.
        let scaled = try ImageDecoder.decode(TestImages.webpLossless4x3Orientation6, minimumLongestSide: 3).image
        #expect(scaled.width == 2 && scaled.height == 3)
    }

    @Test(arguments: [
        (1, false, false), (2, false, true), (3, true, true), (4, true, false),
        (5, false, false), (6, false, true), (7, true, true), (8, true, false),
    ])
    func everyOrientationPutsTheCornerWhereExpected(orientation: Int, bottom: Bool, right: Bool) throws {
        let jpeg = try ImageEncoder.encodeJPEG(TestImages.redCorner(width: 32, height: 16), quality: 95)
        // Little-endian EXIF too, to exercise the byte order libexif reports.
        let (info, image) = try ImageDecoder.decode(
            TestImages.withOrientation(jpeg, UInt16(orientation), bigEndian: orientation % 2 == 0))
        #expect(info.orientation == orientation)
        let swapped = orientation >= 5
        #expect(image.width == (swapped ? 16 : 32) && image.height == (swapped ? 32 : 16))
        let x = right ? image.width - 3 : 2
        let y = bottom ? image.height - 3 : 2
        #expect(isClose(image.rgb(x: x, y: y), (255, 0, 0)), "orientation \(orientation)")
        #expect(isClose(image.rgb(x: image.width - 1 - x, y: image.height - 1 - y), (255, 255, 255)))
    }

    @Test func orientingPixelsMatchesPillowsTransposes() {
        // 3×2 stored:  a b c / d e f, one byte value per pixel (all three channels alike).
        let stored = RGBImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6].flatMap { [$0, $0, $0] })
        func displayed(_ orientation: Int) -> [UInt8] {
            let image = stored.oriented(orientation)
            return stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
        }
        #expect(displayed(1) == [1, 2, 3, 4, 5, 6])
        #expect(displayed(2) == [3, 2, 1, 6, 5, 4])
        #expect(displayed(3) == [6, 5, 4, 3, 2, 1])
        #expect(displayed(4) == [4, 5, 6, 1, 2, 3])
        #expect(displayed(5) == [1, 4, 2, 5, 3, 6])  // transpose, 2 wide and 3 high
        #expect(displayed(6) == [4, 1, 5, 2, 6, 3])  // 90° clockwise
        #expect(displayed(7) == [6, 3, 5, 2, 4, 1])  // transverse
        #expect(displayed(8) == [3, 6, 2, 5, 1, 4])  // 90° counter-clockwise
    }

    @Test func orientationOutOfRangeCountsAsOne() throws {
        let jpeg = try ImageEncoder.encodeJPEG(TestImages.redCorner(width: 32, height: 16), quality: 95)
        let info = try ImageDecoder.inspect(TestImages.withOrientation(jpeg, 9))
        #expect(info.orientation == 1 && info.width == 32)
    }

    // MARK: Colour models

    @Test func grayscaleJPEGBecomesRGB() throws {
        let gray = (0..<(32 * 16)).map { UInt8(($0 % 32) * 8) }
        let bytes = try turboJPEG(gray, width: 32, height: 16, format: TJPF_GRAY, subsampling: TJSAMP_GRAY)
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info.width == 32 && info.height == 16)
        let pixel = image.rgb(x: 16, y: 8)
        #expect(pixel.red == pixel.green && pixel.green == pixel.blue)
        #expect(abs(Int(pixel.red) - 128) <= 4)
    }

    @Test func cmykJPEGIsConverted() throws {
        // TurboJPEG writes CMYK as YCCK with an Adobe APP14 segment, so the values given here are stored
        // Adobe-style, inverted: 255 means no ink. Left half red (no cyan, full magenta and yellow), right half
        // 50% grey from black ink alone.
        var cmyk = [UInt8]()
        for _ in 0..<16 {
            for x in 0..<32 { cmyk += x < 16 ? [255, 0, 0, 255] : [255, 255, 255, 128] }
        }
        let bytes = try turboJPEG(cmyk, width: 32, height: 16, format: TJPF_CMYK, subsampling: TJSAMP_444)
        let (_, image) = try ImageDecoder.decode(bytes)
        #expect(isClose(image.rgb(x: 4, y: 8), (255, 0, 0), within: 6))
        #expect(isClose(image.rgb(x: 28, y: 8), (128, 128, 128), within: 6))
    }

    @Test func sixteenBitPNGIsReducedToEightBits() throws {
        let row: [UInt8] = [0xFF, 0xFF, 0x80, 0x80, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC]
        let bytes = TestImages.png(width: 2, height: 1, bitDepth: 16, colourType: 2, rows: [row])
        let (_, image) = try ImageDecoder.decode(bytes)
        #expect(image.pixels == [255, 128, 0, 0x12, 0x56, 0x9A])
    }

    @Test func grayPNGsBecomeRGB() throws {
        let gray = TestImages.png(width: 2, height: 1, bitDepth: 8, colourType: 0, rows: [[0, 200]])
        #expect(try ImageDecoder.decode(gray).image.pixels == [0, 0, 0, 200, 200, 200])
        // Gray with alpha: (100, opaque), (0, transparent).
        let grayAlpha = TestImages.png(width: 2, height: 1, bitDepth: 8, colourType: 4, rows: [[100, 255, 0, 0]])
        #expect(try ImageDecoder.decode(grayAlpha).image.pixels == [100, 100, 100, 255, 255, 255])
    }

    @Test func pngAlphaIsFlattenedOnWhite() throws {
        let row: [UInt8] = [255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 128]
        let bytes = TestImages.png(width: 3, height: 1, bitDepth: 8, colourType: 6, rows: [row])
        #expect(try ImageDecoder.decode(bytes).image.pixels == [255, 0, 0, 255, 255, 255, 127, 127, 127])
    }

    @Test func palettePNGWithTransparencyIsExpanded() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 0, 255, 0, 0, 0]  // red, blue, black
        let transparency: [UInt8] = [255, 255, 0]  // black is fully transparent
        let bytes = TestImages.png(
            width: 3, height: 2, bitDepth: 8, colourType: 3, rows: [[0, 1, 2], [2, 1, 0]], palette: palette,
            transparency: transparency)
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info.width == 3 && info.height == 2)
        #expect(image.pixels == [255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 0, 0])
    }

    // MARK: Bad input

    @Test func emptyFileIsRefused() {
        #expect(reason { _ = try ImageDecoder.decode([]) } == "empty file (0 bytes)")
        #expect(reason { _ = try ImageDecoder.inspect([]) } == "empty file (0 bytes)")
    }

    @Test func truncatedJPEGIsRefused() throws {
        let bytes = try ImageEncoder.encodeJPEG(TestImages.photo(width: 160, height: 120), quality: 90)
        let truncated = Array(bytes.prefix(bytes.count / 2))
        // The header is intact, so inspecting still works; decoding must not hand back half an image.
        #expect(try ImageDecoder.inspect(truncated).width == 160)
        let message = try #require(reason { _ = try ImageDecoder.decode(truncated) })
        #expect(message.hasPrefix("truncated or corrupt JPEG: "))
        #expect(message.lowercased().contains("premature end"))
        // Cut before the frame header: TurboJPEG 2.1 "succeeds" with a size of 0×0, which must not get through.
        let headerless = Array(bytes.prefix(40))
        #expect(reason { _ = try ImageDecoder.inspect(headerless) } == "truncated or corrupt JPEG: no frame header (SOF) with the image size")
    }

    @Test("a JPEG that lacks only its end marker decodes as the whole file does: its scan is complete")
    func aJPEGWithoutItsEndMarkerIsKept() throws {
        let bytes = try ImageEncoder.encodeJPEG(TestImages.photo(width: 160, height: 120), quality: 90)
        #expect(bytes.suffix(2).elementsEqual([0xFF, 0xD9]))
        let whole = try ImageDecoder.decode(bytes).image
        #expect(try ImageDecoder.decode(Array(bytes.dropLast(2))).image == whole)
    }

    @Test func aJPEGWithStrayBytesBeforeAMarkerIsRead() throws {
        let bytes = try ImageEncoder.encodeJPEG(TestImages.photo(width: 160, height: 120), quality: 90)
        // One fill byte before the first quantization table (FF DB): libjpeg warns of "extraneous bytes" while
        // reading the header; Pillow and browsers show the image.
        let marker = try #require((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDB })
        var padded = bytes
        padded.insert(0x00, at: marker)
        #expect(try ImageDecoder.inspect(padded).width == 160)
        let (info, image) = try ImageDecoder.decode(padded)
        #expect(info.width == 160 && info.height == 120)
        #expect(TestImages.meanDifference(image, try ImageDecoder.decode(bytes).image) < 1)
    }

    @Test func anAnimatedPNGIsRefusedByNameAndAStillOneIsRead() throws {
        let still = TestImages.png(width: 2, height: 1, bitDepth: 8, colourType: 2, rows: [[255, 0, 0, 0, 0, 255]])
        #expect(try ImageDecoder.decode(still).image.pixels == [255, 0, 0, 0, 0, 255])
        // The same file with an APNG animation control chunk (2 frames, looping) before its image data.
        let header = Array(still[0..<33])
        let animated = header + TestImages.chunk("acTL", TestImages.be32(2) + TestImages.be32(0)) + Array(still[33...])
        let error = try #require(throws: ImageDecodeError.self) { _ = try ImageDecoder.decode(animated) }
        #expect(error.kind == .unsupportedFormat)
        #expect(error.reason == "animated PNG (APNG) images are not supported (Loom reads still images only)")
        #expect(throws: ImageDecodeError.self) { _ = try ImageDecoder.inspect(animated) }
    }

    @Test func theOrientationIsReadPastStrayBytesBeforeTheEXIFSegment() throws {
        let plain = try ImageEncoder.encodeJPEG(TestImages.photo(width: 160, height: 120), quality: 90)
        let turned = TestImages.withOrientation(plain, 6)
        #expect(try ImageDecoder.inspect(turned).orientation == 6)
        // SOI, then the JFIF segment, two stray bytes, and the EXIF segment after them.
        func segment(at offset: Int) -> Range<Int> { offset..<(offset + 2 + (Int(turned[offset + 2]) << 8 | Int(turned[offset + 3]))) }
        let exif = segment(at: 2)
        let jfif = segment(at: exif.upperBound)
        #expect(turned[exif.lowerBound + 1] == 0xE1 && turned[jfif.lowerBound + 1] == 0xE0)
        let padded = Array(turned[0..<2]) + turned[jfif] + [0x00, 0x00] + turned[exif] + turned[jfif.upperBound...]
        let info = try ImageDecoder.inspect(padded)
        #expect(info.orientation == 6 && info.width == 120 && info.height == 160)
    }

    @Test func truncatedPNGIsRefused() throws {
        let bytes = try ImageEncoder.encode(PixelBuffer(width: 64, height: 64, red: 1, green: 2, blue: 3), format: .png)
        let message = reason { _ = try ImageDecoder.decode(Array(bytes.prefix(bytes.count - 30))) }
        #expect(message?.hasPrefix("truncated or corrupt PNG: ") == true)
        #expect(reason { _ = try ImageDecoder.decode(Array(bytes.prefix(20))) }?.hasPrefix("truncated or corrupt PNG") == true)
    }

    @Test func truncatedWebPIsRefused() {
        let truncated = Array(TestImages.webpLossless4x3.prefix(40))
        #expect(reason { _ = try ImageDecoder.decode(truncated) }?.hasPrefix("truncated or corrupt WebP: ") == true)
    }

    @Test func hugePNGHeaderIsRefusedBeforeDecoding() throws {
        let bytes = TestImages.pngClaiming(width: 100_000, height: 100_000)
        // The header alone is readable...
        #expect(try ImageDecoder.inspect(bytes).width == 100_000)
        // ...but decoding would need 30 GB, so it stops at the header (this returns at once, with no allocation).
        #expect(
            reason { _ = try ImageDecoder.decode(bytes) }
                == "PNG header claims 100000×100000 pixels (10000 megapixels), above the limit of 100 megapixels")
    }

    @Test func pixelLimitAppliesToEveryFormat() throws {
        let jpeg = try ImageEncoder.encodeJPEG(TestImages.photo(width: 64, height: 48), quality: 80)
        #expect(
            reason { _ = try ImageDecoder.decode(jpeg, maxPixels: 1000) }
                == "JPEG header claims 64×48 pixels, above the limit of 1000 pixels")
        #expect(
            reason { _ = try ImageDecoder.decode(TestImages.webpGradient64x48, maxPixels: 3071) }
                == "WebP header claims 64×48 pixels, above the limit of 3071 pixels")
        #expect(try ImageDecoder.decode(TestImages.webpGradient64x48, maxPixels: 3072).image.width == 64)
        let big = TestImages.pngClaiming(width: 20_000, height: 10_000)
        #expect(
            reason { _ = try ImageDecoder.decode(big, maxPixels: 150_000_000) }
                == "PNG header claims 20000×10000 pixels (200 megapixels), above the limit of 150 megapixels")
    }

    /// Starts of files in formats Loom recognises but does not read, with the name the error must give.
    static let otherFormats: [(String, [UInt8])] = {
        func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }
        let zero: [UInt8] = [0, 0, 0, 0]
        let gif89: [UInt8] = ascii("GIF89a") + [1, 0, 1, 0, 0, 0, 0]
        let gif87: [UInt8] = ascii("GIF87a") + [1, 0, 1, 0]
        let tiffLittle: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0]
        let tiffBig: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 0]
        let bmp: [UInt8] = ascii("BM") + [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 2, 0, 0, 0]
        let tiffName = "TIFF or camera RAW (DNG, CR2, NEF, ARW)"
        return [
            ("GIF", gif89), ("GIF", gif87), (tiffName, tiffLittle), (tiffName, tiffBig), ("BMP", bmp),
            ("JPEG XL", [0xFF, 0x0A, 0xFA, 0x7F]), ("JPEG XL", [0, 0, 0, 0x0C] + ascii("JXL ") + [0x0D, 0x0A, 0x87, 0x0A]),
            ("Fujifilm RAW (RAF)", ascii("FUJIFILMCCD-RAW 0201")), ("Canon RAW (CR3)", [0, 0, 0, 0x18] + ascii("ftypcrx ") + zero),
        ]
    }()

    @Test(arguments: otherFormats)
    func otherImageFormatsAreNamed(format: String, bytes: [UInt8]) {
        let expected = "\(format) images are not supported (Loom reads JPEG, PNG, WebP, HEIC and AVIF)"
        #expect(reason { _ = try ImageDecoder.decode(bytes) } == expected)
        #expect(reason { _ = try ImageDecoder.inspect(bytes) } == expected)
    }

    @Test func unknownBytesAreRefusedWithTheirFirstBytes() {
        var random = SplitMix(seed: 42)
        let noise = (0..<256).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let message = reason { _ = try ImageDecoder.decode(noise) }
        let firstBytes = noise.prefix(8).map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }
        #expect(message == "not an image Loom reads (first bytes: \(firstBytes.joined(separator: " ")))")
        #expect(reason { _ = try ImageDecoder.decode(Array("<!DOCTYPE html>".utf8)) } == "not an image Loom reads (first bytes: 3c 21 44 4f 43 54 59 50)")
        // MP4 video is an ISO media file too, but not an image; a RIFF file that is not WebP (WAV) neither.
        let mp4: [UInt8] = [0, 0, 0, 0x14] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isom".utf8)
        #expect(reason { _ = try ImageDecoder.decode(mp4) }?.hasPrefix("not an image Loom reads") == true)
        #expect(reason { _ = try ImageDecoder.decode(Array("RIFF\u{24}\0\0\0WAVEfmt ".utf8)) }?.hasPrefix("not an image") == true)
    }

    @Test func errorsDescribeThemselvesByTheirReason() {
        let error = ImageDecodeError(.emptyFile, reason: "empty file (0 bytes)")
        #expect(error.description == "empty file (0 bytes)")
        #expect("\(error)" == "empty file (0 bytes)")
    }

    /// The kind of the `ImageDecodeError` that `body` throws (nil when it throws nothing or something else).
    func kind(_ body: () throws -> Void) -> RejectionKind? {
        do {
            try body()
            return nil
        } catch let error as ImageDecodeError {
            return error.kind
        } catch {
            return nil
        }
    }

    @Test func errorsCarryTheirKind() throws {
        #expect(kind { _ = try ImageDecoder.decode([]) } == .emptyFile)
        #expect(kind { _ = try ImageDecoder.decode(Array("GIF89a".utf8) + [0, 0, 0, 0]) } == .unsupportedFormat)
        #expect(kind { _ = try ImageDecoder.decode(Array("<!DOCTYPE html>".utf8)) } == .unsupportedFormat)
        let jpeg = try ImageEncoder.encodeJPEG(TestImages.photo(width: 160, height: 120), quality: 90)
        #expect(kind { _ = try ImageDecoder.decode(Array(jpeg.prefix(jpeg.count / 2))) } == .corruptImage)
        #expect(kind { _ = try ImageDecoder.decode(Array(jpeg.prefix(40))) } == .corruptImage)
        let png = try ImageEncoder.encode(PixelBuffer(width: 64, height: 64, red: 1, green: 2, blue: 3), format: .png)
        #expect(kind { _ = try ImageDecoder.decode(Array(png.prefix(png.count - 30))) } == .corruptImage)
        #expect(kind { _ = try ImageDecoder.decode(Array(TestImages.webpLossless4x3.prefix(40))) } == .corruptImage)
        // Every format's pixel limit gives the same kind, whatever the words of its reason.
        #expect(kind { _ = try ImageDecoder.decode(TestImages.pngClaiming(width: 100_000, height: 100_000)) } == .tooManyPixels)
        #expect(kind { _ = try ImageDecoder.decode(jpeg, maxPixels: 1000) } == .tooManyPixels)
        #expect(kind { _ = try ImageDecoder.decode(TestImages.webpGradient64x48, maxPixels: 3071) } == .tooManyPixels)
    }

    @Test func decodingIsSafeFromManyTasks() async throws {
        let jpeg = try ImageEncoder.encodeJPEG(TestImages.photo(width: 200, height: 150), quality: 90)
        let reference = try ImageDecoder.decode(jpeg, minimumLongestSide: 60).image
        let results = try await withThrowingTaskGroup(of: RGBImage.self) { group in
            for index in 0..<16 {
                group.addTask {
                    switch index % 3 {
                    case 0: try ImageDecoder.decode(jpeg, minimumLongestSide: 60).image
                    case 1: Resampler.downscale(try ImageDecoder.decode(jpeg).image, longestSide: 100)
                    default: try ImageDecoder.decode(TestImages.webpLossless4x3).image
                    }
                }
            }
            var all: [RGBImage] = []
            for try await image in group { all.append(image) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.filter { $0.width == reference.width && $0 == reference }.count == 6)
    }
}
