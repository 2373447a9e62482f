import GRDB
import GRDBSQLite

extension Statement {
    /// The text of a column of the row the statement stands on, as the UTF-8 bytes SQLite holds (no `String` made);
    /// nil for NULL. The bytes stay valid until the statement steps again.
    func textBytes(atColumn index: Int32) -> UnsafeBufferPointer<UInt8>? {
        let statement = sqliteStatement
        guard sqlite3_column_type(statement, index) != SQLITE_NULL else { return nil }
        // SQLite's documentation: ask for the text first, then its length.
        let text = sqlite3_column_text(statement, index)
        let count = Int(sqlite3_column_bytes(statement, index))
        return UnsafeBufferPointer(start: text, count: text == nil ? 0 : count)
    }

    /// The integer value of a column of the row the statement stands on (0 for NULL).
    func integer(atColumn index: Int32) -> Int64 {
        sqlite3_column_int64(sqliteStatement, index)
    }
}
