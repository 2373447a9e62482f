import NIOCore
import NIOPosix

/// Runs store and hashing work on NIO's thread pool, off Swift's cooperative threads: SQLite calls block, and a
/// password hash takes a tenth of a second of CPU.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await reviewWork.runIfActive(body)
}

/// The review app's own pool: store reads mostly wait (on the disk, on the writer), so more threads than cores
/// keep one slow request (a batch count, a password hash) from holding up every other reviewer's.
private let reviewWork: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: max(8, 2 * System.coreCount))
    pool.start()
    return pool
}()
