import CHeif
import CLCMS2

/// An ICC profile made from a HEIF `nclx` colour description (coded primaries and transfer curve, no profile bytes),
/// so that wide-gamut photos tagged this way (Android phones' Display P3 HEICs, BT.2020 stills) go through the same
/// conversion to sRGB as photos with an embedded profile (`ColorProfile.convertToSRGB`).
///
/// Only standard-dynamic-range curves are described: a PQ or HLG image would need tone mapping, not a profile, and
/// is left as decoded. BT.709 primaries (sRGB's) and unspecified ones need nothing.
enum NCLXProfile {
    /// The profile of the handle's `nclx` description, or nil when it has none or needs no conversion.
    static func profile(of handle: OpaquePointer) -> [UInt8]? {
        var description: UnsafeMutablePointer<heif_color_profile_nclx>?
        guard heif_image_handle_get_nclx_color_profile(handle, &description).code == heif_error_Ok, let description else { return nil }
        defer { heif_nclx_color_profile_free(description) }
        let nclx = description.pointee
        guard let curve = curveParameters(nclx.transfer_characteristics), needsConversion(nclx.color_primaries) else { return nil }
        var white = cmsCIExyY(x: Double(nclx.color_primary_white_x), y: Double(nclx.color_primary_white_y), Y: 1)
        var primaries = cmsCIExyYTRIPLE(
            Red: cmsCIExyY(x: Double(nclx.color_primary_red_x), y: Double(nclx.color_primary_red_y), Y: 1),
            Green: cmsCIExyY(x: Double(nclx.color_primary_green_x), y: Double(nclx.color_primary_green_y), Y: 1),
            Blue: cmsCIExyY(x: Double(nclx.color_primary_blue_x), y: Double(nclx.color_primary_blue_y), Y: 1))
        var parameters = curve
        guard let tone = cmsBuildParametricToneCurve(nil, 4, &parameters) else { return nil }
        defer { cmsFreeToneCurve(tone) }
        var curves: [OpaquePointer?] = [tone, tone, tone]
        guard let made = cmsCreateRGBProfile(&white, &primaries, &curves) else { return nil }
        defer { cmsCloseProfile(made) }
        var size: UInt32 = 0
        guard cmsSaveProfileToMem(made, nil, &size) != 0, size > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        guard bytes.withUnsafeMutableBytes({ cmsSaveProfileToMem(made, $0.baseAddress, &size) }) != 0 else { return nil }
        return bytes
    }

    /// Whether primaries differ from sRGB's enough to convert: the wide gamuts phones and cameras tag.
    private static func needsConversion(_ primaries: heif_color_primaries) -> Bool {
        switch primaries {
        case heif_color_primaries_ITU_R_BT_2020_2_and_2100_0, heif_color_primaries_SMPTE_RP_431_2,
            heif_color_primaries_SMPTE_EG_432_1:
            true
        default:
            false
        }
    }

    /// lcms2's parametric curve type 4 (`Y = (aX + b)^g` above `d`, `Y = cX` below) that decodes `transfer`; nil for
    /// a high-dynamic-range or unknown one.
    private static func curveParameters(_ transfer: heif_transfer_characteristics) -> [Double]? {
        switch transfer {
        case heif_transfer_characteristic_IEC_61966_2_1, heif_transfer_characteristic_unspecified:
            // The sRGB curve (Display P3's too).
            [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
        case heif_transfer_characteristic_ITU_R_BT_709_5, heif_transfer_characteristic_ITU_R_BT_601_6,
            heif_transfer_characteristic_ITU_R_BT_2020_2_10bit, heif_transfer_characteristic_ITU_R_BT_2020_2_12bit:
            // The inverse of BT.709's camera curve (V = 1.099 L^0.45 − 0.099, V = 4.5 L below 0.018).
            [1 / 0.45, 1 / 1.099, 0.099 / 1.099, 1 / 4.5, 0.081]
        case heif_transfer_characteristic_linear:
            [1, 1, 0, 1, 0]
        default:
            nil
        }
    }
}
