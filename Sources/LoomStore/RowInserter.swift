import GRDB
import GRDBSQLite

/// One INSERT run many times inside a write, its values bound straight through SQLite's C API.
///
/// GRDB's `execute(arguments:)` first boxes every value as a `DatabaseValue` in an array. A run's store thread
/// executes its inserts thousands of times per batch (a record has 11 columns), and that boxing and unboxing was
/// about a fifth of the thread's time. Values are bound in column order, then `run()` executes the row.
///
/// The statement comes from the connection's statement cache (GRDB's `cachedStatement`): prepared once per connection,
/// not once per batch (preparing a batch's eight statements again each time was a tenth of a commit's fixed cost).
struct RowInserter: ~Copyable {
    private let connection: OpaquePointer
    /// Held so that the statement outlives this use even if the cache lets go of it meanwhile.
    private let cached: Statement
    private var statement: OpaquePointer { cached.sqliteStatement }
    private let sql: String
    private var column: Int32 = 0

    /// SQLite copies bound text: the string may go away before the row is run.
    private static let copyText = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    /// Where an empty string's zero bytes are read from: a nil pointer would bind NULL instead.
    private static let emptyText: StaticString = ""

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        // The cache keeps the statement (and finalizes it with the connection); every use binds all its columns and
        // resets it after running, so no binding or step of one use reaches the next.
        cached = try db.cachedStatement(sql: sql)
        self.connection = connection
        self.sql = sql
    }

    /// Binds the next column to a text.
    mutating func text(_ value: String) {
        var value = value
        let column = nextColumn()
        value.withUTF8 { bytes in
            let start = bytes.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(Self.emptyText.utf8Start)
            _ = sqlite3_bind_text(statement, column, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.copyText)
        }
    }

    /// Binds the next column to a text, or NULL.
    mutating func text(_ value: String?) {
        if let value { text(value) } else { _ = sqlite3_bind_null(statement, nextColumn()) }
    }

    /// Binds the next column to an integer.
    mutating func integer(_ value: Int) {
        _ = sqlite3_bind_int64(statement, nextColumn(), Int64(value))
    }

    /// Binds the next column to a real number.
    mutating func real(_ value: Double) {
        _ = sqlite3_bind_double(statement, nextColumn(), value)
    }

    /// Inserts the row bound since the last run.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message (a full disk, a broken constraint).
    mutating func run() throws {
        column = 0
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(statement)
    }

    /// Inserts the row bound since the last run; false when the statement changed no row (an `INSERT OR IGNORE`
    /// that met a row with the same key).
    mutating func runChangingRow() throws -> Bool {
        try run()
        return sqlite3_changes(connection) > 0
    }

    private mutating func nextColumn() -> Int32 {
        column += 1
        return column
    }
}
