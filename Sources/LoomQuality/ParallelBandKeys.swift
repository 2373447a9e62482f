import Dispatch

extension MinHasher {
    /// The band keys of many texts, hashed on `threads` threads: `texts.count × parameters.bands` values, the
    /// keys of text `i` at `i × bands ..< (i + 1) × bands`. The same as calling ``bandKeys(of:)`` on each text.
    ///
    /// The work runs on Dispatch's worker threads through `concurrentPerform`, never on Swift's cooperative
    /// pool: it is CPU-bound and long, and would starve other tasks there. Texts are dealt out in chunks of
    /// 256, round-robin, one hasher per thread.
    public static func bandKeys(of texts: [String], parameters: MinHashParameters, threads: Int) -> [UInt64] {
        let bands = parameters.bands
        let total = texts.count * bands
        guard total > 0 else { return [] }
        let prototype = MinHasher(parameters: parameters)
        let chunk = 256
        let chunks = (texts.count + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        return [UInt64](unsafeUninitializedCapacity: total) { buffer, initialized in
            nonisolated(unsafe) let base = buffer.baseAddress!
            let work: @Sendable (Int) -> Void = { worker in
                var hasher = prototype
                var current = worker
                while current < chunks {
                    for index in (current * chunk)..<min((current + 1) * chunk, texts.count) {
                        hasher.bandKeys(of: texts[index], into: UnsafeMutableBufferPointer(start: base + index * bands, count: bands))
                    }
                    current += workers
                }
            }
            if workers == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            }
            initialized = total
        }
    }
}
