#include "CPNGRows.h"
#include "png_source.h"

#include <setjmp.h>
#include <stdlib.h>

int loom_png_icc_profile(const uint8_t *data, size_t size, uint8_t **profile, size_t *profile_size) {
    *profile = NULL;
    *profile_size = 0;
    char error[1] = {0};
    source_t source = {data, size, 0, error, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    if (png == NULL) return 0;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(*profile);
        *profile = NULL;
        *profile_size = 0;
        png_destroy_read_struct(&png, &info, NULL);
        return 0;
    }
    png_set_read_fn(png, &source, read_bytes);
    png_read_info(png, info);  // the chunks before the image data, where iCCP must be
    png_charp name = NULL;
    int compression = 0;
    png_bytep bytes = NULL;
    png_uint_32 length = 0;
    if (png_get_iCCP(png, info, &name, &compression, &bytes, &length) == PNG_INFO_iCCP && length > 0) {
        uint8_t *copy = malloc(length);
        if (copy != NULL) {
            memcpy(copy, bytes, length);
            *profile = copy;
            *profile_size = length;
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    return *profile != NULL;
}
