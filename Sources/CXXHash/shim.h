#include <stddef.h>
#include <xxhash.h>
