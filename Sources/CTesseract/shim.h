#include <stddef.h>
#include <tesseract/capi.h>
