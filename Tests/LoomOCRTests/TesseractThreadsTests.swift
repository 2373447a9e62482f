import Foundation
import LoomOCR
import Synchronization
import Testing

@Suite struct TesseractThreadsTests {
    @Test("limitToOne sets OMP_THREAD_LIMIT and keeps the calling thread's OpenMP regions on that thread")
    func limitToOne() throws {
        // A thread of its own, as a worker would be: the OpenMP setting belongs to the thread that makes it.
        let levels = Mutex<Int32?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            TesseractThreads.limitToOne()
            levels.withLock { $0 = Self.maxActiveLevels?() }
            finished.signal()
        }
        thread.start()
        finished.wait()
        #expect(ProcessInfo.processInfo.environment["OMP_THREAD_LIMIT"] == "1")
        // Tesseract is linked with an OpenMP runtime here (libgomp on Debian); where it is not, only the variable
        // is set.
        if Self.maxActiveLevels != nil { #expect(levels.withLock { $0 } == 0) }
    }

    /// OpenMP's `omp_get_max_active_levels`, when a runtime is loaded.
    static let maxActiveLevels: (@convention(c) () -> Int32)? = {
        guard let symbol = dlsym(nil, "omp_get_max_active_levels") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
    }()
}
