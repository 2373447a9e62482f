#include "CPNGRows.h"
#include "png_source.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Straight alpha composited on white, as AlphaFlattening does in Swift.
static inline unsigned on_white(unsigned value, unsigned alpha) {
    return alpha == 255 ? value : (value * alpha + 255 * (255 - alpha) + 127) / 255;
}

loom_png_reduced_status loom_png_read_reduced(const uint8_t *data, size_t size, unsigned factor, uint8_t **pixels,
                                              unsigned *width, unsigned *height, char *error, size_t error_size) {
    if (factor < 1) factor = 1;
    source_t source = {data, size, 0, error, error_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    if (png == NULL) return LOOM_PNG_REDUCED_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    // Everything the error path frees is declared volatile-safe: assigned before setjmp or only through pointers.
    uint8_t *volatile row = NULL;
    uint32_t *volatile sums = NULL;
    uint8_t *volatile out = NULL;
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return LOOM_PNG_REDUCED_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        free(sums);
        free(out);
        png_destroy_read_struct(&png, &info, NULL);
        return LOOM_PNG_REDUCED_CORRUPT;
    }
    png_set_read_fn(png, &source, read_bytes);
    png_read_info(png, info);
    if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE) {
        png_destroy_read_struct(&png, &info, NULL);
        return LOOM_PNG_REDUCED_INTERLACED;
    }
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_gray_to_rgb(png);
    // Screen gamma sRGB. The file's own gamma (gAMA, or sRGB's) when it states one, as libpng's simplified API
    // reads it for smaller images (png_set_gamma's second argument overrides the file's); sRGB when it states
    // none (16-bit files too, which libpng would take as linear).
    double file_gamma = 0;
    if (!png_get_gAMA(png, info, &file_gamma) || !(file_gamma > 0)) file_gamma = PNG_DEFAULT_sRGB;
    png_set_gamma(png, PNG_DEFAULT_sRGB, file_gamma);
    png_read_update_info(png, info);
    const unsigned stored_width = png_get_image_width(png, info);
    const unsigned stored_height = png_get_image_height(png, info);
    const unsigned channels = png_get_channels(png, info);
    const unsigned reduced_width = (stored_width + factor - 1) / factor;
    const unsigned reduced_height = (stored_height + factor - 1) / factor;
    row = malloc(png_get_rowbytes(png, info));
    sums = calloc((size_t)reduced_width * 3, sizeof(uint32_t));
    out = malloc((size_t)reduced_width * reduced_height * 3);
    if (row == NULL || sums == NULL || out == NULL) {
        free(row);
        free(sums);
        free(out);
        png_destroy_read_struct(&png, &info, NULL);
        return LOOM_PNG_REDUCED_NO_MEMORY;
    }
    unsigned rows_in_block = 0;
    unsigned out_row = 0;
    for (unsigned y = 0; y < stored_height; y++) {
        png_read_row(png, row, NULL);
        const uint8_t *pixel = row;
        for (unsigned x = 0; x < stored_width; x++, pixel += channels) {
            uint32_t *sum = sums + (size_t)(x / factor) * 3;
            if (channels == 4) {
                sum[0] += on_white(pixel[0], pixel[3]);
                sum[1] += on_white(pixel[1], pixel[3]);
                sum[2] += on_white(pixel[2], pixel[3]);
            } else {
                sum[0] += pixel[0];
                sum[1] += pixel[1];
                sum[2] += pixel[2];
            }
        }
        rows_in_block++;
        if (rows_in_block == factor || y + 1 == stored_height) {
            uint8_t *target = out + (size_t)out_row * reduced_width * 3;
            for (unsigned column = 0; column < reduced_width; column++) {
                unsigned columns = column + 1 == reduced_width ? stored_width - column * factor : factor;
                uint32_t count = columns * rows_in_block;
                for (unsigned c = 0; c < 3; c++) {
                    target[column * 3 + c] = (uint8_t)((sums[column * 3 + c] + count / 2) / count);
                }
            }
            memset(sums, 0, (size_t)reduced_width * 3 * sizeof(uint32_t));
            rows_in_block = 0;
            out_row++;
        }
    }
    png_read_end(png, NULL);
    free(row);
    free(sums);
    png_destroy_read_struct(&png, &info, NULL);
    *pixels = out;
    *width = reduced_width;
    *height = reduced_height;
    return LOOM_PNG_REDUCED_OK;
}

void loom_png_free_reduced(uint8_t *pixels) { free(pixels); }
