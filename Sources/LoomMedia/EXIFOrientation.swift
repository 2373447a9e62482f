import CExif

/// The EXIF orientation tag of a JPEG, PNG or WebP file, read with libexif.
///
/// JPEG keeps its EXIF in an APP1 segment, PNG in an `eXIf` chunk before the image data, WebP in an `EXIF` chunk
/// of its RIFF container; browsers and Pillow's `exif_transpose` turn all three, so Loom does too.
enum EXIFOrientation {
    /// "Exif\0\0", the header libexif expects before the TIFF structure (and that JPEG's segment carries).
    private static let header: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]

    /// The orientation (1...8) in the JPEG's APP1 Exif segment; 1 when there is no segment, no tag, or a value
    /// out of range.
    static func read(fromJPEG bytes: [UInt8]) -> Int {
        guard let segment = exifSegment(in: bytes) else { return 1 }
        return read(exif: bytes[segment])
    }

    /// The orientation (1...8) in the PNG's `eXIf` chunk; 1 when there is none before the first `IDAT` (where the
    /// PNG specification puts it, and the only place browsers read it), no tag, or a value out of range.
    static func read(fromPNG bytes: [UInt8]) -> Int {
        var offset = 8  // the signature
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = bytes[offset + 4..<offset + 8]
            guard length >= 0, offset + 8 + length <= bytes.count else { return 1 }
            if type.elementsEqual("eXIf".utf8) { return read(exif: bytes[offset + 8..<offset + 8 + length]) }
            if type.elementsEqual("IDAT".utf8) { return 1 }
            offset += 12 + length
        }
        return 1
    }

    /// The orientation (1...8) in the WebP's `EXIF` chunk; 1 when there is none (a simple, VP8-only file has
    /// no room for one), no tag, or a value out of range.
    static func read(fromWebP bytes: [UInt8]) -> Int {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else { return 1 }
        var offset = 12
        while offset + 8 <= bytes.count {
            // Chunk sizes are little-endian; a chunk of odd size is padded to an even one.
            let size = bytes[offset + 4..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            guard offset + 8 + size <= bytes.count else { return 1 }
            if bytes[offset..<offset + 4].elementsEqual("EXIF".utf8) { return read(exif: bytes[offset + 8..<offset + 8 + size]) }
            offset += 8 + size + (size & 1)
        }
        return 1
    }

    /// The orientation in an EXIF block that starts with "Exif\0\0" (JPEG's segment, and what some writers put
    /// in PNG and WebP chunks) or straight with the TIFF header (what the PNG and WebP specifications say).
    private static func read(exif block: ArraySlice<UInt8>) -> Int {
        let payload = block.starts(with: header) ? Array(block) : header + block
        return payload.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress, let data = exif_data_new_from_data(base, UInt32(buffer.count)) else { return 1 }
            defer { exif_data_unref(data) }
            guard let ifd0 = data.pointee.ifd.0,
                let entry = exif_content_get_entry(ifd0, EXIF_TAG_ORIENTATION),
                entry.pointee.format == EXIF_FORMAT_SHORT, entry.pointee.components >= 1,
                entry.pointee.size >= 2, let value = entry.pointee.data
            else { return 1 }
            let orientation = Int(exif_get_short(value, exif_data_get_byte_order(data)))
            return (1...8).contains(orientation) ? orientation : 1
        }
    }

    /// The byte range of the first APP1 segment's payload that starts with "Exif\0\0", found by walking the
    /// marker segments from SOI up to the first scan. Nil when there is none or the markers are malformed.
    static func exifSegment(in bytes: [UInt8]) -> Range<Int>? {
        var found: Range<Int>?
        JPEGSegments.forEach(in: bytes) { marker, payload in
            if marker == 0xE1, payload.count >= header.count, bytes[payload].starts(with: header) { found = payload }
            return found == nil
        }
        return found
    }
}
