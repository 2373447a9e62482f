/// The marker segments of a JPEG file before its first scan, where its metadata lives (EXIF in APP1, ICC
/// profiles in APP2).
enum JPEGSegments {
    /// Calls `body` with each segment's marker and the byte range of its payload, from SOI up to the first scan,
    /// until it returns false. Stops quietly at malformed markers.
    static func forEach(in bytes: [UInt8], _ body: (_ marker: UInt8, _ payload: Range<Int>) -> Bool) {
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
            if marker == 0xDA || marker == 0xD9 { return }  // start of scan, end of image
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {  // markers without a length
                offset += 2
                continue
            }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return }
            guard body(marker, (offset + 4)..<(offset + 2 + length)) else { return }
            offset += 2 + length
        }
    }
}
