import CSQLiteSettings

/// SQLite's process-wide options (`loom_sqlite_configure`: multi-thread mode, no memory statistics, URI file names), set once,
/// before the first store of the process opens.
enum SQLiteSettings {
    /// SQLite's answer: 0, or 21 (`SQLITE_MISUSE`) when something else had used SQLite first, and its defaults
    /// stay: slower, equally correct for stores that can be written, but without URI file names a store in a folder
    /// that cannot be written does not open (`ReadOnlyStore`).
    static let applied: Int32 = loom_sqlite_configure()
}
