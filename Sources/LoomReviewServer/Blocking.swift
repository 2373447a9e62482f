import NIOPosix

/// Runs store and hashing work on NIO's thread pool, off Swift's cooperative threads: SQLite calls block, and a
/// password hash takes a tenth of a second of CPU.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}
