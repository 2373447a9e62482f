#ifndef LOOM_PNG_SOURCE_H
#define LOOM_PNG_SOURCE_H

// A PNG held in memory as libpng's input, and the error handlers that turn libpng's errors into a message and a
// longjmp; shared by the row-reduced decode and the colour profile reader.

#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *error;
    size_t error_size;
} source_t;

static inline void read_bytes(png_structp png, png_bytep out, size_t count) {
    source_t *source = png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "the file ends before the image data does");
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static inline void on_error(png_structp png, png_const_charp message) {
    source_t *source = png_get_error_ptr(png);
    if (source->error_size > 0) snprintf(source->error, source->error_size, "%s", message);
    png_longjmp(png, 1);
}

static inline void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

#endif
