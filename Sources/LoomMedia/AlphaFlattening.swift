/// Compositing straight (non-premultiplied) RGBA onto white, for decoders that hand back an alpha channel.
enum AlphaFlattening {
    /// Turns `4 * count` bytes of RGBA into `3 * count` bytes of RGB composited on white, in place: the RGB
    /// result occupies the front of the array, which is then shortened. Working in place keeps the peak memory
    /// of a large image at the RGBA buffer instead of RGBA plus RGB.
    ///
    /// The blend is done on the stored (sRGB-encoded) values, as browsers and Pillow do.
    static func flattenOnWhite(_ rgba: inout [UInt8], count: Int) {
        rgba.withUnsafeMutableBufferPointer { bytes in
            var source = 0
            var target = 0
            for _ in 0..<count {
                let alpha = Int(bytes[source + 3])
                if alpha == 255 {
                    bytes[target] = bytes[source]
                    bytes[target + 1] = bytes[source + 1]
                    bytes[target + 2] = bytes[source + 2]
                } else {
                    let white = 255 * (255 - alpha) + 127
                    bytes[target] = UInt8((Int(bytes[source]) * alpha + white) / 255)
                    bytes[target + 1] = UInt8((Int(bytes[source + 1]) * alpha + white) / 255)
                    bytes[target + 2] = UInt8((Int(bytes[source + 2]) * alpha + white) / 255)
                }
                source += 4
                target += 3
            }
        }
        rgba.removeSubrange((3 * count)...)
    }
}
