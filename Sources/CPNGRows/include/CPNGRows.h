#ifndef LOOM_CPNGROWS_H
#define LOOM_CPNGROWS_H

#include <stddef.h>
#include <stdint.h>

/// What `loom_png_read_reduced` did.
typedef enum {
    LOOM_PNG_REDUCED_OK = 0,
    /// The file is corrupt or truncated; `error` says how.
    LOOM_PNG_REDUCED_CORRUPT = 1,
    /// The file is interlaced (its rows come in seven passes, not top to bottom): decode it whole instead.
    LOOM_PNG_REDUCED_INTERLACED = 2,
    /// Memory for the result could not be had.
    LOOM_PNG_REDUCED_NO_MEMORY = 3,
} loom_png_reduced_status;

/// Decodes a PNG held in memory one row at a time into 8-bit RGB reduced by `factor` in each direction: each
/// output pixel is the mean of a `factor`×`factor` block of the stored pixels (the last blocks of a row or column
/// may be smaller), so a large image never needs its full-size pixels in memory. Pixels with alpha are composited
/// on white before they are averaged; 16-bit samples are taken as sRGB-encoded and rounded to 8 bits; palette and
/// gray images become RGB; a gAMA other than sRGB's is corrected to sRGB (what libpng's simplified API does). ICC profiles are not
/// applied here (`loom_png_icc_profile` reads them for the caller).
///
/// On success `*pixels` is `3 * *width * *height` bytes the caller frees with `loom_png_free_reduced`. `error` receives
/// libpng's message when the result is `LOOM_PNG_REDUCED_CORRUPT`.
loom_png_reduced_status loom_png_read_reduced(const uint8_t *data, size_t size, unsigned factor, uint8_t **pixels,
                                              unsigned *width, unsigned *height, char *error, size_t error_size);

/// Frees the pixels `loom_png_read_reduced` returned.
void loom_png_free_reduced(uint8_t *pixels);

/// The ICC profile of a PNG's `iCCP` chunk, decompressed by libpng: returns 1 and sets `*profile` (freed by the
/// caller with `free`) and `*profile_size`, or returns 0 when the file has none, or it cannot be read.
int loom_png_icc_profile(const uint8_t *data, size_t size, uint8_t **profile, size_t *profile_size);

#endif
