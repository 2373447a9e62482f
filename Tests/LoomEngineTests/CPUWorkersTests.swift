import Foundation
import Testing

@testable import LoomEngine

@Suite("CPU workers")
struct CPUWorkersTests {
    @Test("work runs on the pool's threads at a lower priority than the caller's")
    func workersYieldToTheWriter() async throws {
        let workers = CPUWorkers(threads: 2)
        let caller = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
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
        // A process already niced past the workers' value keeps its own (raising priority needs privilege).
        let expected = max(caller, CPUWorkers.niceness)
        #expect(seen.count == 8 && seen.allSatisfy { $0.0 == expected && !$0.1 })
        // The caller's own thread is untouched: the nice value belongs to each thread.
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == caller)
    }
}
