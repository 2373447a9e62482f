import Foundation

/// Maps frames of HDR video (the PQ or HLG transfer over BT.2020 primaries, as phones record by default) to the
/// SDR BT.709 picture a model is trained on.
///
/// Converted like SDR video, such a frame comes out flat and grey (PQ) or dull with shifted colours (HLG): its
/// code values mean other light levels and other primaries. Here each pixel goes to linear light, measured in
/// units of the HDR reference white (203 cd/m², ITU-R BT.2408, where SDR white belongs), from BT.2020 to BT.709
/// primaries, through a curve that keeps everything up to 75% of SDR white as it is and rolls the brighter
/// highlights off smoothly below 1, and back through the inverse of the SDR display's response (BT.1886). The curve
/// works on the brightest of the three channels, so that saturated highlights keep their hue instead of clipping
/// to white.
struct HDRToneMapper: Sendable {
    /// The HDR transfer functions Loom maps.
    enum Transfer: Sendable, Equatable {
        /// SMPTE ST 2084 (HDR10, Dolby Vision): code values are absolute luminance up to 10,000 cd/m².
        case pq
        /// ARIB STD-B67 (BT.2100 HLG): code values are relative scene light, shown with a system gamma.
        case hlg
    }

    let transfer: Transfer
    /// Linear value per 12-bit code value: relative light for PQ (1 = reference white), scene light 0...1 for HLG.
    private let linear: [Float]
    /// 8-bit BT.709 code value per 12-bit step of linear light 0...1.
    private let encoded: [UInt8]

    /// The reference white, in cd/m² (BT.2408).
    static let referenceWhite: Float = 203
    /// The display peak HLG is shown at, in cd/m² (BT.2100's nominal 1,000, system gamma 1.2).
    static let hlgPeak: Float = 1000
    /// Below this (linear, 1 = reference white) light is kept as it is; above it rolls off towards 1.
    static let knee: Float = 0.75

    init(transfer: Transfer) {
        self.transfer = transfer
        linear = (0..<4096).map { step in
            let signal = Double(step) / 4095
            switch transfer {
            case .pq: return Float(Self.pqLuminance(signal) / Double(Self.referenceWhite))
            case .hlg: return Float(Self.hlgSceneLight(signal))
            }
        }
        encoded = (0..<4096).map { step in
            // The SDR display's response inverted (BT.1886: light = signal^2.4): display light in, SDR code out,
            // as zimg (ffmpeg's zscale) converts display-referred light.
            let signal = pow(Double(step) / 4095, 1 / 2.4)
            return UInt8(max(0, min(255, (signal * 255).rounded())))
        }
    }

    /// PQ's EOTF: luminance in cd/m² of a signal 0...1.
    static func pqLuminance(_ signal: Double) -> Double {
        let (m1, m2) = (2610.0 / 16384, 2523.0 / 4096 * 128)
        let (c1, c2, c3) = (3424.0 / 4096, 2413.0 / 4096 * 32, 2392.0 / 4096 * 32)
        let power = pow(max(signal, 0), 1 / m2)
        return 10_000 * pow(max(power - c1, 0) / (c2 - c3 * power), 1 / m1)
    }

    /// HLG's inverse OETF: scene light 0...1 of a signal 0...1.
    static func hlgSceneLight(_ signal: Double) -> Double {
        let a = 0.17883277, b = 1 - 4 * 0.17883277
        let c = 0.5 - a * log(4 * a)
        return signal <= 0.5 ? signal * signal / 3 : (exp((signal - c) / a) + b) / 12
    }

    /// The roll-off: identity up to `knee`, then an exponential approach to 1 whose slope starts at 1.
    @inline(__always)
    static func rollOff(_ value: Float) -> Float {
        guard value > knee else { return value }
        let room = 1 - knee
        return knee + room * (1 - exp(-(value - knee) / room))
    }

    /// Maps `pixels` packed 16-bit R'G'B' (BT.2020, full range, as libswscale's RGB48 gives them, little-endian)
    /// to packed 8-bit BT.709 RGB.
    func map(_ pixels: UnsafeBufferPointer<UInt16>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels.count)
        let gain = Self.hlgPeak / Self.referenceWhite
        out.withUnsafeMutableBufferPointer { target in
            var index = 0
            while index + 2 < pixels.count {
                var r = linear[Int(UInt16(littleEndian: pixels[index]) >> 4)]
                var g = linear[Int(UInt16(littleEndian: pixels[index + 1]) >> 4)]
                var b = linear[Int(UInt16(littleEndian: pixels[index + 2]) >> 4)]
                if transfer == .hlg {
                    // BT.2100's OOTF: display light = peak × scene light × Ys^(γ − 1), γ = 1.2 at 1,000 cd/m².
                    let luminance = 0.2627 * r + 0.6780 * g + 0.0593 * b
                    let scale = luminance > 0 ? gain * pow(luminance, 0.2) : 0
                    r *= scale
                    g *= scale
                    b *= scale
                }
                // BT.2020 to BT.709 primaries (BT.2087); colours outside BT.709 come out negative and are cut.
                let r709 = max(0, 1.6605 * r - 0.5876 * g - 0.0728 * b)
                let g709 = max(0, -0.1246 * r + 1.1329 * g - 0.0083 * b)
                let b709 = max(0, -0.0182 * r - 0.1006 * g + 1.1187 * b)
                let brightest = max(r709, g709, b709)
                let scale = brightest > Self.knee ? Self.rollOff(brightest) / brightest : 1
                target[index] = encoded[Int(min(1, r709 * scale) * 4095)]
                target[index + 1] = encoded[Int(min(1, g709 * scale) * 4095)]
                target[index + 2] = encoded[Int(min(1, b709 * scale) * 4095)]
                index += 3
            }
        }
        return out
    }
}
