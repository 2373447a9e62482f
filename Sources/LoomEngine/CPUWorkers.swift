import Foundation
import NIOPosix

/// A pool of threads for CPU-heavy work (composing, drawing, encoding, hashing, generating), so that it
/// never occupies Swift's cooperative pool.
///
/// On Linux the pool's threads run at a lower scheduling priority than the process (`niceness` more). A run's
/// serial stages, the store's single writer and its checkpoints, run on threads of their own; at equal priority
/// the workers, one per core, took CPU time from the writer, which fell behind and finished its last batches
/// alone after the workers were done (a core idle for about a tenth of the quickstart). Lowered, the workers use
/// what the writer leaves. Linux gives each thread its own nice value; elsewhere it is the whole process's, and
/// the pool leaves it alone.
public final class CPUWorkers: Sendable {
    private let pool: NIOThreadPool
    public let threads: Int

    /// How much lower the workers' priority is than the process's (in nice steps): 5 gives the writer about three
    /// times a worker's share of a contended core.
    static let niceness: Int32 = 5

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(1, threads)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Runs `body` on one of the pool's threads.
    public func run<T: Sendable>(_ body: @Sendable @escaping () throws -> T) async throws -> T {
        try await pool.runIfActive {
            Self.lowerPriorityOfThisThread()
            return try body()
        }
    }

    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }

    /// The nice value of the pool's threads: the process's (its main thread's) plus `niceness`, at most 19.
    static let workerNice: Int32 = {
        #if os(Linux)
            // On Linux, PRIO_PROCESS with the process id names the main thread, whose nice value the process
            // started with; reading the calling thread's instead would compound if it had been lowered already.
            min(19, getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid())) + niceness)
        #else
            0
        #endif
    }()

    /// Sets the calling thread's nice value to `workerNice` (who = 0 is the calling thread on Linux). The value
    /// is absolute, so setting it again is harmless; raising a nice value needs no privilege, and a failure
    /// leaves the priority as it was, which only costs speed.
    private static func lowerPriorityOfThisThread() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, workerNice)
        #endif
    }
}
