import LoomMedia
import Testing

@Suite struct ResamplerTests {
    @Test func downscaleKeepsTheAspectRatio() {
        let wide = Resampler.downscale(TestImages.photo(width: 300, height: 200), longestSide: 100)
        #expect(wide.width == 100 && wide.height == 67)  // 66.7 rounds to 67
        let tall = Resampler.downscale(TestImages.uniform(width: 200, height: 300, (1, 2, 3)), longestSide: 100)
        #expect(tall.width == 67 && tall.height == 100)
        let thin = Resampler.downscale(TestImages.uniform(width: 1000, height: 3, (1, 2, 3)), longestSide: 100)
        #expect(thin.width == 100 && thin.height == 1)  // 0.3 px would round to 0; at least 1
    }

    @Test("a wide picture read reduced as PNG (whole blocks, the last one partial) and as JPEG (DCT scaling) comes out the same size")
    func reducedDecodesKeepThePicturesAspect() throws {
        let picture = TestImages.uniform(width: 10_000, height: 200, (90, 120, 150))
        var sizes: [String] = []
        for bytes in [try ImageEncoder.encodePNG(picture), try ImageEncoder.encodeJPEG(picture, quality: 90)] {
            let (info, decoded) = try ImageDecoder.decode(bytes, minimumLongestSide: 768)
            #expect(decoded.width < 10_000)  // both were reduced while decoding
            let normalized = Resampler.downscale(decoded, longestSide: 512, original: (info.width, info.height))
            sizes.append("\(normalized.width)×\(normalized.height)")
        }
        // 200 × 512 / 10,000 = 10.24 rows; the PNG's reduced pixels (10,000 / 13 = 770 columns, 200 / 13 rounded up
        // to 16 rows) alone would give 11.
        #expect(sizes == ["512×10", "512×10"])
    }

    @Test func downscaleNeverUpscales() {
        let small = TestImages.photo(width: 50, height: 40)
        #expect(Resampler.downscale(small, longestSide: 100) == small)
        #expect(Resampler.downscale(small, longestSide: 50) == small)
    }

    @Test func aUniformColourStaysThatColour() {
        let image = TestImages.uniform(width: 97, height: 61, (200, 30, 90))
        for side in [40, 20, 1] {
            let small = Resampler.downscale(image, longestSide: side)
            #expect(small == TestImages.uniform(width: small.width, height: small.height, (200, 30, 90)))
        }
        let resized = Resampler.resize(image, width: 32, height: 32)
        #expect(resized == TestImages.uniform(width: 32, height: 32, (200, 30, 90)))
    }

    @Test func areaAveragingACheckerboardGivesGrey() {
        let half = Resampler.downscale(TestImages.checkerboard(side: 64), longestSide: 32)
        #expect(half.width == 32 && half.height == 32)
        #expect(half.pixels.allSatisfy { (127...128).contains($0) })
        let single = Resampler.downscale(TestImages.checkerboard(side: 2), longestSide: 1)
        #expect(single.width == 1 && single.height == 1)
        #expect(single.pixels.allSatisfy { (127...128).contains($0) })
    }

    @Test func downscaleAveragesSaturatedColoursWithoutBleeding() {
        // Columns alternate pure red and pure blue; halving must give (128, 0, 128) everywhere, which needs
        // libswscale's full-chroma path.
        var image = TestImages.uniform(width: 64, height: 8, (255, 0, 0))
        for y in 0..<8 {
            for x in stride(from: 1, to: 64, by: 2) {
                image.pixels[3 * (y * 64 + x)] = 0
                image.pixels[3 * (y * 64 + x) + 2] = 255
            }
        }
        let half = Resampler.downscale(image, longestSide: 32)
        for y in 0..<half.height {
            for x in 0..<half.width {
                let pixel = half.rgb(x: x, y: y)
                #expect((127...128).contains(pixel.red) && pixel.green <= 1 && (127...128).contains(pixel.blue))
            }
        }
    }

    @Test func resizeGivesTheExactSize() {
        let image = TestImages.photo(width: 100, height: 60)
        let resized = Resampler.resize(image, width: 32, height: 45)
        #expect(resized.width == 32 && resized.height == 45 && resized.pixels.count == 32 * 45 * 3)
        let up = Resampler.resize(TestImages.uniform(width: 1, height: 1, (9, 8, 7)), width: 5, height: 3)
        #expect(up == TestImages.uniform(width: 5, height: 3, (9, 8, 7)))
        #expect(Resampler.resize(image, width: 100, height: 60) == image)
    }

    @Test func downscaledPhotoStaysClose() {
        // Area-averaging a 2× downscale then comparing with a 4× one averaged again must agree closely.
        let photo = TestImages.photo(width: 320, height: 240)
        let quarter = Resampler.downscale(photo, longestSide: 80)
        let viaHalf = Resampler.downscale(Resampler.downscale(photo, longestSide: 160), longestSide: 80)
        #expect(TestImages.meanDifference(quarter, viaHalf) < 1)
    }
}
