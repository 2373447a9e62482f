#include <stddef.h>
#include <libswscale/swscale.h>
#include <libavutil/pixfmt.h>

// Loom builds against FFmpeg 5.1 (Debian 12), 7.1 (Debian 13) and 8. Two things changed in libswscale on the way,
// and both break Swift code that calls it directly:
//  - FFmpeg 8 made `SwsContext` a public struct: Swift saw `OpaquePointer` before and sees
//    `UnsafeMutablePointer<SwsContext>` now. The wrappers below hand the context over as `void *`.
//  - FFmpeg 8 turned the SWS_* flag macros into `enum SwsFlags`, which Swift imports as a struct without `|`.
//    The constants below are plain ints under every version.

static const int loom_sws_area = SWS_AREA;
static const int loom_sws_bilinear = SWS_BILINEAR;
static const int loom_sws_lanczos = SWS_LANCZOS;
static const int loom_sws_full_chroma_interpolation = SWS_FULL_CHR_H_INT;
static const int loom_sws_full_chroma_input = SWS_FULL_CHR_H_INP;
static const int loom_sws_accurate_rounding = SWS_ACCURATE_RND;

/// `sws_getContext` without filters or parameters, or NULL when libswscale cannot convert between the formats.
static inline void *loom_sws_context(int sourceWidth, int sourceHeight, enum AVPixelFormat sourceFormat,
                                     int targetWidth, int targetHeight, enum AVPixelFormat targetFormat, int flags) {
    return sws_getContext(sourceWidth, sourceHeight, sourceFormat, targetWidth, targetHeight, targetFormat, flags,
                          NULL, NULL, NULL);
}

/// `sws_freeContext` (NULL is allowed).
static inline void loom_sws_free(void *context) { sws_freeContext(context); }

/// `sws_scale`: the number of output rows written, or a negative AVERROR.
static inline int loom_sws_scale(void *context, const uint8_t *const source[], const int sourceStrides[],
                                 int firstRow, int rows, uint8_t *const target[], const int targetStrides[]) {
    return sws_scale(context, source, sourceStrides, firstRow, rows, target, targetStrides);
}

/// `sws_setColorspaceDetails`: the source's and target's YUV coefficients and ranges, brightness, contrast and
/// saturation (16.16 fixed point).
static inline int loom_sws_set_colorspace(void *context, const int sourceTable[4], int sourceFullRange,
                                          const int targetTable[4], int targetFullRange, int brightness,
                                          int contrast, int saturation) {
    return sws_setColorspaceDetails(context, sourceTable, sourceFullRange, targetTable, targetFullRange, brightness,
                                    contrast, saturation);
}
