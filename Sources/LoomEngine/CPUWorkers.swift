import Foundation
import NIOPosix

/// A pool of threads for CPU-heavy work (composing, drawing, encoding, hashing, generating), so that it
/// never occupies Swift's cooperative pool.
public final class CPUWorkers: Sendable {
    private let pool: NIOThreadPool
    public let threads: Int

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Runs `body` on one of the pool's threads.
    public func run<T: Sendable>(_ body: @Sendable @escaping () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
