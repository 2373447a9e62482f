@testable import LoomReview
import Testing

@Suite("Batch counts: kept for a while, recounted by one caller at a time")
struct BatchCountCacheTests {
    @Test("expired counts are recounted by the first caller while the others get them as they were")
    func oneRecountAtATime() {
        let cache = BatchCountCache(seconds: 30)
        let counts = (records: 10, accepted: 2, rejected: 1, adjudication: 0)
        func uses(_ lookup: BatchCountCache.Lookup) -> Int? {
            if case .use(let counts) = lookup { return counts.accepted }
            return nil
        }
        #expect(uses(cache.lookup(batch: 1, now: 0)) == nil)  // never counted: count
        cache.store(counts, batch: 1, now: 0)
        #expect(uses(cache.lookup(batch: 1, now: 29)) == 2)
        // Expired: the first caller recounts; the next ones, meanwhile, use the old counts.
        #expect(uses(cache.lookup(batch: 1, now: 31)) == nil)
        #expect(uses(cache.lookup(batch: 1, now: 31.5)) == 2)
        #expect(uses(cache.lookup(batch: 1, now: 40)) == 2)
        cache.store((records: 10, accepted: 5, rejected: 1, adjudication: 0), batch: 1, now: 41)
        #expect(uses(cache.lookup(batch: 1, now: 42)) == 5)
        // A recount that fails lets the next caller try again.
        #expect(uses(cache.lookup(batch: 1, now: 80)) == nil)
        cache.abandon(batch: 1)
        #expect(uses(cache.lookup(batch: 1, now: 81)) == nil)
        // Batches are counted apart.
        #expect(uses(cache.lookup(batch: 2, now: 81)) == nil)
    }
}
