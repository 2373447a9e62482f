#include "CSQLiteSettings.h"

#include <sqlite3.h>

int loom_sqlite_configure(void) {
    int code = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (code != SQLITE_OK) return code;
    code = sqlite3_config(SQLITE_CONFIG_URI, 1);
    if (code != SQLITE_OK) return code;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
