import CLCMS2
import Foundation
import Testing

@testable import LoomMedia

@Suite("Colour profiles")
struct ColorProfileTests {
    /// A Display P3 profile (P3 primaries, D65 white, the sRGB transfer curve), as phones embed, made with lcms2.
    static func displayP3() throws -> [UInt8] {
        var white = cmsCIExyY(x: 0.3127, y: 0.3290, Y: 1)
        var primaries = cmsCIExyYTRIPLE(
            Red: cmsCIExyY(x: 0.680, y: 0.320, Y: 1), Green: cmsCIExyY(x: 0.265, y: 0.690, Y: 1),
            Blue: cmsCIExyY(x: 0.150, y: 0.060, Y: 1))
        var parameters: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
        let curve = try #require(cmsBuildParametricToneCurve(nil, 4, &parameters))
        defer { cmsFreeToneCurve(curve) }
        var curves: [OpaquePointer?] = [curve, curve, curve]
        let profile = try #require(cmsCreateRGBProfile(&white, &primaries, &curves))
        defer { cmsCloseProfile(profile) }
        return try saved(profile)
    }

    static func sRGB() throws -> [UInt8] {
        let profile = try #require(cmsCreate_sRGBProfile())
        defer { cmsCloseProfile(profile) }
        return try saved(profile)
    }

    private static func saved(_ profile: cmsHPROFILE) throws -> [UInt8] {
        var size: UInt32 = 0
        #expect(cmsSaveProfileToMem(profile, nil, &size) != 0)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        #expect(bytes.withUnsafeMutableBytes { cmsSaveProfileToMem(profile, $0.baseAddress, &size) } != 0)
        return bytes
    }

    /// A JPEG of one colour with `profile` in APP2 `ICC_PROFILE` segments of at most `chunk` bytes each.
    static func jpeg(_ colour: [UInt8], profile: [UInt8]?, chunk: Int = 60_000) throws -> [UInt8] {
        let image = RGBImage(width: 16, height: 16, pixels: Array((0..<256).map { _ in colour }.joined()))
        let plain = try ImageEncoder.encodeJPEG(image, quality: 100)
        guard let profile else { return plain }
        let parts = stride(from: 0, to: profile.count, by: chunk).map { Array(profile[$0..<min($0 + chunk, profile.count)]) }
        var segments: [UInt8] = []
        for (index, part) in parts.enumerated() {
            let payload = Array("ICC_PROFILE".utf8) + [0, UInt8(index + 1), UInt8(parts.count)] + part
            segments += [0xFF, 0xE2, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        }
        return Array(plain[..<2]) + segments + Array(plain[2...])
    }

    private func centre(_ bytes: [UInt8]) throws -> [Int] {
        let image = try ImageDecoder.decode(bytes).image
        let index = 3 * (8 * image.width + 8)
        return image.pixels[index..<index + 3].map(Int.init)
    }

    @Test("a Display P3 photo is converted to sRGB: its reds come out redder, its greys stay grey")
    func displayP3IsConvertedToSRGB() throws {
        let p3 = try Self.displayP3()
        let red: [UInt8] = [200, 60, 40]
        let plain = try centre(try Self.jpeg(red, profile: nil))
        let converted = try centre(try Self.jpeg(red, profile: p3))
        #expect(converted[0] > plain[0] + 5 && converted[1] < plain[1] - 5, "\(plain) → \(converted)")
        let grey = try centre(try Self.jpeg([128, 128, 128], profile: p3))
        #expect(grey.allSatisfy { abs($0 - grey[0]) <= 1 } && abs(grey[0] - 128) <= 2, "\(grey)")
        // The same profile split across three segments, as large profiles are.
        #expect(try centre(try Self.jpeg(red, profile: p3, chunk: p3.count / 3 + 1)) == converted)
    }

    @Test("a decode that leaves the profile to its caller returns it with the stored pixels; converting after gives the same")
    func theProfileCanBeLeftToTheCaller() throws {
        let p3 = try Self.displayP3()
        let file = try Self.jpeg([200, 60, 40], profile: p3)
        let converted = try ImageDecoder.decode(file)
        #expect(converted.info.colorProfile == nil)
        var (info, image) = try ImageDecoder.decode(file, colorProfile: .leaveToCaller)
        #expect(info.colorProfile == p3)
        #expect(image.pixels == (try ImageDecoder.decode(try Self.jpeg([200, 60, 40], profile: nil)).image.pixels))
        ColorProfile.convertToSRGB(&image, from: try #require(info.colorProfile))
        #expect(image.pixels == converted.image.pixels)
    }

    @Test("an sRGB profile, a broken one or none leave the pixels as they are")
    func sRGBAndBrokenProfilesChangeNothing() throws {
        let colour: [UInt8] = [200, 60, 40]
        let plain = try centre(try Self.jpeg(colour, profile: nil))
        #expect(try centre(try Self.jpeg(colour, profile: try Self.sRGB())) == plain)
        #expect(try centre(try Self.jpeg(colour, profile: Array("not a profile at all".utf8))) == plain)
    }

    @Test("a PNG's iCCP profile is read (inflated by libpng) and converted too")
    func pngProfileIsConverted() throws {
        let p3 = try Self.displayP3()
        let rows = (0..<4).map { _ in Array([UInt8]([200, 60, 40]).repeated(4)) }
        let plain = TestImages.png(width: 4, height: 4, bitDepth: 8, colourType: 2, rows: rows)
        let chunk = TestImages.chunk("iCCP", Array("Display P3".utf8) + [0, 0] + TestImages.zlibStored(p3))
        let tagged = Array(plain[..<33]) + chunk + Array(plain[33...])
        #expect(ColorProfile.pngProfile(tagged) == p3)
        let before = try ImageDecoder.decode(plain).image.pixels
        let after = try ImageDecoder.decode(tagged).image.pixels
        #expect(Int(after[0]) > Int(before[0]) + 5 && Int(after[1]) < Int(before[1]) - 5)
        // A gAMA of 1/2.2 beside the profile (what most tools write with it) changes nothing: the profile still
        // converts. A far other gamma, which libpng has applied already, leaves the profile out.
        let withSRGBGamma = Array(plain[..<33]) + TestImages.chunk("gAMA", TestImages.be32(45_455)) + chunk + Array(plain[33...])
        let converted = try ImageDecoder.decode(withSRGBGamma).image.pixels
        #expect(zip(converted.prefix(3), after.prefix(3)).allSatisfy { abs(Int($0) - Int($1)) <= 2 })
        let withLinearGamma = Array(plain[..<33]) + TestImages.chunk("gAMA", TestImages.be32(100_000)) + chunk + Array(plain[33...])
        #expect(ColorProfile.pngProfile(withLinearGamma) == nil)
    }
}

extension Array {
    fileprivate func repeated(_ count: Int) -> [Element] { (0..<count).flatMap { _ in self } }
}
