import CExif

/// The EXIF orientation tag of a JPEG, read with libexif.
enum EXIFOrientation {
    /// The orientation (1...8) in the JPEG's APP1 Exif segment; 1 when there is no segment, no tag, or a value
    /// out of range.
    static func read(fromJPEG bytes: [UInt8]) -> Int {
        guard let segment = exifSegment(in: bytes) else { return 1 }
        return bytes.withUnsafeBufferPointer { file -> Int in
            // libexif accepts the segment payload as is: it starts with the "Exif\0\0" header.
            guard let base = file.baseAddress,
                let data = exif_data_new_from_data(base + segment.lowerBound, UInt32(segment.count))
            else { return 1 }
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
        let header: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"
        var offset = 2  // after SOI
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else {
                // Extraneous bytes before a marker: skipped, as libjpeg skips them (with a warning) when it decodes.
                offset += 1
                continue
            }
            let marker = bytes[offset + 1]
            if marker == 0xFF {  // fill byte before a marker
                offset += 1
                continue
            }
            if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan, end of image
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {  // markers without a length
                offset += 2
                continue
            }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
            let payload = (offset + 4)..<(offset + 2 + length)
            if marker == 0xE1, payload.count >= header.count, bytes[payload].starts(with: header) {
                return payload
            }
            offset += 2 + length
        }
        return nil
    }
}
