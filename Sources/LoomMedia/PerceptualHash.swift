#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 64-bit DCT perceptual hash, built to agree with Python imagehash's `phash(image, hash_size=8,
/// highfreq_factor=4)`, so near-duplicate thresholds tuned with imagehash carry over.
///
/// The steps are imagehash's: grayscale with PIL's "L" weights, resize to 32×32 with a Lanczos filter, 2-D
/// DCT-II, keep the top-left 8×8 coefficients, and set a bit for each coefficient above their median.
public enum PerceptualHash {
    /// The hash of `image`. Bit order is that of imagehash's hex string: coefficient (0, 0) is the most
    /// significant bit, then row-major.
    public static func hash(_ image: RGBImage) -> UInt64 {
        let gray = luma(image)
        let small = Resampler.scale(
            gray, width: image.width, height: image.height, channels: 1, toWidth: side, toHeight: side,
            filter: .lanczos)

        // The 8×8 low-frequency corner of the 32×32 DCT-II: coefficient (u, v) = Σ cos[u][y] · cos[v][x] · p[y][x].
        // A precomputed cosine table is all a 32×32 block needs, so no FFT library is involved; scipy's factor
        // of 2 per axis is left out because scaling every coefficient alike does not move the median test.
        var rowsTransformed = [Double](repeating: 0, count: hashSide * side)  // [v][y]: DCT along each row
        for y in 0..<side {
            for v in 0..<hashSide {
                var sum = 0.0
                for x in 0..<side { sum += cosines[v * side + x] * Double(small[y * side + x]) }
                rowsTransformed[v * side + y] = sum
            }
        }
        var coefficients = [Double](repeating: 0, count: hashSide * hashSide)  // [u][v], row-major
        for u in 0..<hashSide {
            for v in 0..<hashSide {
                var sum = 0.0
                for y in 0..<side { sum += cosines[u * side + y] * rowsTransformed[v * side + y] }
                coefficients[u * hashSide + v] = sum
            }
        }

        // numpy's median of an even count: the mean of the two middle values.
        let sorted = coefficients.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        var hash: UInt64 = 0
        for (index, coefficient) in coefficients.enumerated() where coefficient > median {
            hash |= 1 << UInt64(63 - index)
        }
        return hash
    }

    /// 16 lowercase hex digits, the same as `str()` of an imagehash `ImageHash`.
    public static func hex(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The number of differing bits.
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    /// Side of the block the DCT runs on (hash_size 8 × highfreq_factor 4).
    private static let side = 32
    /// Side of the kept low-frequency corner.
    private static let hashSide = 8

    /// cos(π k (2n + 1) / 64) for k in 0..<8 (rows) and n in 0..<32 (columns): the DCT-II basis.
    private static let cosines: [Double] = (0..<8).flatMap { k in
        (0..<32).map { n in cos(Double.pi * Double(k) * Double(2 * n + 1) / 64) }
    }

    /// Grayscale the way Pillow converts RGB to "L": L = R·299/1000 + G·587/1000 + B·114/1000, computed in
    /// Pillow's 16-bit fixed point with rounding (19595, 38470, 7471 are those weights × 65536).
    private static func luma(_ image: RGBImage) -> [UInt8] {
        let count = image.width * image.height
        return [UInt8](unsafeUninitializedCapacity: count) { gray, initialized in
            image.pixels.withUnsafeBufferPointer { rgb in
                for pixel in 0..<count {
                    let r = Int(rgb[3 * pixel]), g = Int(rgb[3 * pixel + 1]), b = Int(rgb[3 * pixel + 2])
                    gray[pixel] = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
                }
            }
            initialized = count
        }
    }
}
