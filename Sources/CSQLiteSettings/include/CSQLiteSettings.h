#ifndef LOOM_CSQLITESETTINGS_H
#define LOOM_CSQLITESETTINGS_H

/// Sets SQLite's process-wide options for Loom's stores; must run before SQLite's first use in the process
/// (`sqlite3_config` is variadic, which Swift cannot call, hence this C function).
///
/// - Multi-thread mode: connections without a mutex of their own. GRDB hands each connection to one thread at a
///   time (its documentation supports only this mode); serialized mode, Debian's default, took and released a
///   mutex in every call (every bound value, every row stepped, every column read).
/// - No memory statistics: with them, every allocation SQLite makes takes one process-wide mutex to count it,
///   which the store's writer, its checkpointer and the exports' readers contend for.
/// - URI file names: a store in a folder that cannot be written is opened as `file:PATH?immutable=1`
///   (`ReadOnlyStore`). Loom's own paths are absolute, so none is taken for a URI by mistake.
///
/// Returns SQLITE_OK (0), or SQLITE_MISUSE (21) when SQLite was already in use: the options then stay SQLite's
/// defaults, which only costs speed.
int loom_sqlite_configure(void);

#endif
