#include <png.h>

/// PNG_IMAGE_ROW_STRIDE and friends are function-like macros, which Swift cannot import.
static inline unsigned int loom_png_format_bgra(void) {
    return PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_BGR;
}
static inline unsigned int loom_png_format_rgb(void) {
    return PNG_FORMAT_RGB;
}
static inline unsigned int loom_png_format_bgr(void) {
    return PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_BGR;
}
