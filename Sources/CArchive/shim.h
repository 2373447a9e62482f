#include <archive.h>
#include <archive_entry.h>

/// AE_IFREG is a macro with a cast, which Swift cannot import.
static inline unsigned int loom_archive_regular_file(void) {
    return AE_IFREG;
}
