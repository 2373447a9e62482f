import CTurboJPEG

/// JPEG decoding through TurboJPEG 2.1 (the `tj*` API), with EXIF orientation from libexif.
enum JPEGDecoder {
    /// The header facts: stored size from TurboJPEG, orientation from the EXIF segment.
    static func inspect(_ bytes: [UInt8]) throws -> ImageInfo {
        let handle = try makeHandle()
        defer { tjDestroy(handle) }
        return try readHeader(bytes, handle: handle).info
    }

    static func decode(
        _ bytes: [UInt8], maxPixels: Int, minimumLongestSide: Int?, endMarkerAdded: Bool = false
    ) throws -> (info: ImageInfo, image: RGBImage) {
        // A TurboJPEG handle must not be shared between threads: each call makes its own.
        let handle = try makeHandle()
        defer { tjDestroy(handle) }
        let (info, colorspace) = try readHeader(bytes, handle: handle)
        try ImageDecoder.checkPixelLimit(.jpeg, width: info.storedWidth, height: info.storedHeight, maxPixels: maxPixels)

        let factor = scalingFactor(width: info.storedWidth, height: info.storedHeight, minimumLongestSide: minimumLongestSide)
        let width = scaled(info.storedWidth, factor)
        let height = scaled(info.storedHeight, factor)
        // TurboJPEG cannot turn CMYK into RGB; it hands back the four channels and the conversion is ours.
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = isCMYK ? 4 : 3
        let format = isCMYK ? TJPF_CMYK : TJPF_RGB

        var pixels = [UInt8](repeating: 0, count: channels * width * height)
        let status = bytes.withUnsafeBufferPointer { jpeg in
            pixels.withUnsafeMutableBufferPointer { out in
                // TJFLAG_LIMITSCANS: a progressive file of thousands of scans (crafted, or damaged) would hold a
                // worker for minutes; past 500 scans it is refused.
                tjDecompress2(
                    handle, jpeg.baseAddress, UInt(jpeg.count), out.baseAddress, Int32(width),
                    Int32(channels * width), Int32(height), Int32(format.rawValue), TJFLAG_LIMITSCANS)
            }
        }
        if status != 0 {
            // TurboJPEG 2.1 reports recoverable problems as warnings (error code TJERR_WARNING) after decoding
            // what it could. A premature end means the file is truncated and the bottom of the image is grey
            // filler, so that is rejected. Other warnings (extraneous bytes before a marker, say) are common in
            // real photos whose pixels are complete, so those images are kept, as Pillow keeps them.
            let message = String(cString: tjGetErrorStr2(handle))
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            let prematureEnd = message.lowercased().contains("premature end")
            if isWarning, prematureEnd, !endMarkerAdded, !bytes.suffix(2).elementsEqual([0xFF, 0xD9]), !isProgressive(bytes) {
                // TurboJPEG says the same of a file that lacks only its end marker (some cameras and tools leave
                // it out) as of one cut in the middle: with the marker added, a whole scan decodes without it. Not
                // for a progressive file: one cut between two scans would decode whole, and blurred.
                return try decode(bytes + [0xFF, 0xD9], maxPixels: maxPixels, minimumLongestSide: minimumLongestSide, endMarkerAdded: true)
            }
            if !isWarning || prematureEnd {
                throw ImageDecodeError(.corruptImage, "truncated or corrupt JPEG: \(message)")
            }
        }
        if isCMYK { pixels = rgbFromInvertedCMYK(pixels, count: width * height) }
        let image = RGBImage(width: width, height: height, pixels: pixels).oriented(info.orientation)
        return (info, image)
    }

    /// Whether the file is progressive (SOF2, SOF6, SOF10 or SOF14 before its first scan).
    static func isProgressive(_ bytes: [UInt8]) -> Bool {
        var progressive = false
        JPEGSegments.forEach(in: bytes) { marker, _ in
            progressive = [0xC2, 0xC6, 0xCA, 0xCE].contains(marker)
            return !progressive
        }
        return progressive
    }

    private static func makeHandle() throws -> tjhandle {
        guard let handle = tjInitDecompress() else {
            throw ImageDecodeError(.corruptImage, "JPEG decoder could not start: \(String(cString: tjGetErrorStr2(nil)))")
        }
        return handle
    }

    /// The header facts and TurboJPEG's colourspace code (`TJCS_*`).
    private static func readHeader(_ bytes: [UInt8], handle: tjhandle) throws -> (info: ImageInfo, colorspace: Int32) {
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let status = bytes.withUnsafeBufferPointer { jpeg in
            tjDecompressHeader3(
                handle, jpeg.baseAddress, UInt(jpeg.count), &width, &height, &subsampling, &colorspace)
        }
        if status != 0 {
            let message = String(cString: tjGetErrorStr2(handle))
            // A warning with the size read (extraneous bytes before a marker, say) leaves the header complete: the
            // pixels decide, as they do for the same warning further on in the file.
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            if !(isWarning && width > 0 && height > 0) {
                if message.lowercased().contains("unsupported") {
                    // 12-bit, lossless and arithmetic-coded files the library was built without.
                    throw ImageDecodeError(
                        .unsupportedFormat, "unsupported JPEG variant (\(message)); Loom reads 8-bit baseline and progressive JPEGs")
                }
                throw ImageDecodeError(.corruptImage, "truncated or corrupt JPEG: \(message)")
            }
        }
        // TurboJPEG 2.1 reports success with a size of 0×0 when the file ends before the frame header.
        guard width > 0, height > 0 else {
            throw ImageDecodeError(.corruptImage, "truncated or corrupt JPEG: no frame header (SOF) with the image size")
        }
        let orientation = EXIFOrientation.read(fromJPEG: bytes)
        let info = ImageInfo(
            format: .jpeg, storedWidth: Int(width), storedHeight: Int(height), orientation: orientation)
        return (info, colorspace)
    }

    /// The smallest of TurboJPEG's scaling factors (at most 1) that keeps the longest side at least
    /// `minimumLongestSide`; 1/1 when no minimum is given or the image is already small.
    private static func scalingFactor(width: Int, height: Int, minimumLongestSide: Int?) -> tjscalingfactor {
        let full = tjscalingfactor(num: 1, denom: 1)
        guard let minimumLongestSide else { return full }
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return full }
        var best = full
        var bestSide = max(width, height)
        for factor in UnsafeBufferPointer(start: factors, count: Int(count)) where factor.num <= factor.denom {
            let side = max(scaled(width, factor), scaled(height, factor))
            if side >= minimumLongestSide && side < bestSide {
                best = factor
                bestSide = side
            }
        }
        return best
    }

    /// TurboJPEG's `TJSCALED`: a dimension after scaling, rounded up.
    private static func scaled(_ dimension: Int, _ factor: tjscalingfactor) -> Int {
        (dimension * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
    }

    /// RGB from the CMYK TurboJPEG returns for CMYK and YCCK JPEGs.
    ///
    /// Like Pillow (which reads every CMYK JPEG as "CMYK;I"), the values are taken to follow Adobe's
    /// convention of storing inverted ink amounts (0 = full ink): practically all CMYK JPEGs come from Photoshop,
    /// which writes them that way with an APP14 "Adobe" segment. With stored values c and k, cyan ink is
    /// 255 - c and Pillow's conversion R = (255 - ink C)(255 - ink K) / 255 becomes k - (255 - c) k / 255, with
    /// Pillow's rounding. There is no colour management: ICC profiles are ignored.
    private static func rgbFromInvertedCMYK(_ cmyk: [UInt8], count: Int) -> [UInt8] {
        func mulDiv255(_ a: Int, _ b: Int) -> Int {
            let product = a * b + 128
            return ((product >> 8) + product) >> 8
        }
        return [UInt8](unsafeUninitializedCapacity: 3 * count) { rgb, initialized in
            cmyk.withUnsafeBufferPointer { source in
                for pixel in 0..<count {
                    let k = Int(source[4 * pixel + 3])
                    for channel in 0..<3 {
                        let ink = 255 - Int(source[4 * pixel + channel])
                        rgb[3 * pixel + channel] = UInt8(clamping: k - mulDiv255(ink, k))
                    }
                }
            }
            initialized = 3 * count
        }
    }
}
