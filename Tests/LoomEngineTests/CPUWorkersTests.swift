import Foundation
import Testing

@testable import LoomEngine

@Suite("CPU workers")
struct CPUWorkersTests {
    #if os(Linux)
    @Test("work runs on the pool's threads at a lower priority than the process's")
    func workersYieldToTheWriter() async throws {
        let workers = CPUWorkers(threads: 2)
        let seen = try await withThrowingTaskGroup(of: (Int32, Bool).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await workers.run {
                        (getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), Thread.isMainThread)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await workers.shutdown()
        let process = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        #expect(CPUWorkers.workerNice == min(19, process + CPUWorkers.niceness))
        #expect(seen.count == 8 && seen.allSatisfy { $0.0 == CPUWorkers.workerNice && !$0.1 })
        // The process's main thread is untouched: the nice value belongs to each thread.
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid())) == process)
    }
    #endif
}
