/// Tells image formats apart by their first bytes; file names and extensions are never consulted, since
/// users' collections are full of PNGs named `.jpg`.
enum FormatSniffer {
    /// The format of `bytes` when Loom decodes it.
    ///
    /// - Throws: `ImageDecodeError` naming the format when it is a known image format Loom does not read
    ///   (GIF, TIFF, BMP), or quoting the first bytes when it is nothing recognisable.
    static func format(of bytes: [UInt8]) throws -> DecodableFormat {
        guard !bytes.isEmpty else { throw ImageDecodeError(.emptyFile, "empty file (0 bytes)") }
        if starts(bytes, with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(bytes, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12 && starts(bytes, with: ascii("RIFF")) && ascii(bytes, 8..<12) == "WEBP" { return .webp }
        if let heif = isoMediaImageFormat(bytes) { return heif }
        if let other = unsupportedFormat(of: bytes) {
            throw ImageDecodeError(.unsupportedFormat, "\(other) images are not supported (Loom reads JPEG, PNG, WebP, HEIC and AVIF)")
        }
        let shown = bytes.prefix(8).map { hexByte($0) }.joined(separator: " ")
        throw ImageDecodeError(.unsupportedFormat, "not an image Loom reads (first bytes: \(shown))")
    }

    /// The name of a known image format Loom does not read, or nil.
    private static func unsupportedFormat(of bytes: [UInt8]) -> String? {
        if starts(bytes, with: ascii("GIF87a")) || starts(bytes, with: ascii("GIF89a")) { return "GIF" }
        if starts(bytes, with: [0x49, 0x49, 0x2A, 0x00]) || starts(bytes, with: [0x4D, 0x4D, 0x00, 0x2A]) {
            // DNG and most cameras' RAW files (CR2, NEF, ARW) are TIFF inside.
            return "TIFF or camera RAW (DNG, CR2, NEF, ARW)"
        }
        if starts(bytes, with: [0xFF, 0x0A]) || starts(bytes, with: [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) { return "JPEG XL" }
        if starts(bytes, with: ascii("FUJIFILMCCD-RAW")) { return "Fujifilm RAW (RAF)" }
        if bytes.count >= 12, ascii(bytes, 4..<8) == "ftyp", ascii(bytes, 8..<12) == "crx " { return "Canon RAW (CR3)" }
        // "BM" alone is too common a start for text; also require a known DIB header size when it is there.
        if starts(bytes, with: ascii("BM")) {
            guard bytes.count >= 18 else { return "BMP" }
            let headerSize = Int(bytes[14]) | Int(bytes[15]) << 8 | Int(bytes[16]) << 16 | Int(bytes[17]) << 24
            if [12, 16, 40, 52, 56, 64, 108, 124].contains(headerSize) { return "BMP" }
        }
        return nil
    }

    /// HEIF or AVIF for an ISO base media file (`ftyp` box first) whose brands say it holds an image; nil for
    /// other ISO media (MP4 video, for example) and everything else.
    private static func isoMediaImageFormat(_ bytes: [UInt8]) -> DecodableFormat? {
        guard bytes.count >= 12, ascii(bytes, 4..<8) == "ftyp" else { return nil }
        let boxSize = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        // The major brand, then the compatible brands after the 4-byte minor version.
        var brands = [ascii(bytes, 8..<12)]
        var offset = 16
        while offset + 4 <= min(bytes.count, max(boxSize, 16)) {
            brands.append(ascii(bytes, offset..<(offset + 4)))
            offset += 4
        }
        // The most specific brand wins: AVIF files also list "mif1", and so do HEIC files.
        if brands.contains(where: { ["avif", "avis"].contains($0) }) { return .avif }
        if brands.contains(where: { ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains($0) }) { return .heif }
        return nil
    }

    private static func starts(_ bytes: [UInt8], with prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix)
    }

    private static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    private static func ascii(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
