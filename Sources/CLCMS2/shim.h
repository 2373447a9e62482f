#include <lcms2.h>

// lcms2's pixel format macros are expressions of other macros, which Swift does not import.
static const cmsUInt32Number LOOM_TYPE_RGB_8 = TYPE_RGB_8;
