import Foundation
import LoomCore
import Testing

@testable import LoomStore

@Suite("Run store")
struct RunStoreTests {
    private func sample(_ n: Int) -> Sample {
        let scene = SceneTruth(width: 64, height: 64, background: .plain, backgroundName: "plain", objects: [], labels: [])
        return Sample(id: "smp-\(n)", kind: .single, ordinal: n, media: ["m\(n)"], truth: .single(scene))
    }

    private func record(_ n: Int, flagged: Bool = false) -> Record {
        Record(
            id: "rec-\(n)", sampleID: "smp-\(n)", media: ["m\(n)"],
            turns: [Turn(role: .user, text: "<image>\nq\(n)"), Turn(role: .assistant, text: "a\(n)")], type: .shortVQA,
            domain: "counting", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 1),
            flags: flagged ? [QualityFlag(code: "x", reason: "y")] : [])
    }

    private func write(_ n: Int) -> StoreWrite {
        StoreWrite(
            media: [MediaItem(id: "m\(n)", kind: .image, path: "media/m\(n).png", format: "png", width: 64, height: 64)],
            samples: [sample(n)], records: [record(n, flagged: n == 2)],
            ledger: [LedgerEntry(item: "smp-\(n)", stage: "render", status: .done)])
    }

    @Test("committed work reads back, with ledger counts per stage")
    func roundTrip() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit((0..<5).map(write))
        #expect(try store.completedItems(stage: "render") == Set((0..<5).map { "smp-\($0)" }))
        #expect(try store.stageCounts()["render"] == StageCounts(done: 5, failed: 0))
        #expect(try store.record(id: "rec-3") == record(3))
        #expect(try store.sample(id: "smp-1") == sample(1))
        #expect(try store.recordCounts() == (total: 5, flagged: 1))
        var unflagged: [String] = []
        try store.forEachRecord(unflaggedOnly: true) { record, _ in unflagged.append(record.id) }
        #expect(unflagged == ["rec-0", "rec-1", "rec-3", "rec-4"])
    }

    @Test("a meta key is read, or set together with others when the store has none")
    func metaOrSetting() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        #expect(try store.meta("fingerprint", orSetting: [("fingerprint", "abc"), ("name", "first")]) == nil)
        #expect(try store.meta("name") == "first")
        #expect(try store.meta("fingerprint", orSetting: [("fingerprint", "xyz"), ("name", "second")]) == "abc")
        #expect(try store.meta("fingerprint") == "abc")
        #expect(try store.meta("name") == "first")
    }

    @Test("the content hash depends on what is stored, not on the order it was committed in")
    func contentHashIsOrderIndependent() throws {
        let a = try RunStore(directory: try temporaryStoreDirectory())
        let b = try RunStore(directory: try temporaryStoreDirectory())
        try a.commit((0..<6).map(write))
        for n in [5, 3, 1] { try b.commit([write(n)]) }
        try b.commit([write(0), write(4), write(2)])
        #expect(try a.contentHash() == b.contentHash())
        try b.commit([StoreWrite(records: [record(9)])])
        #expect(try a.contentHash() != b.contentHash())
    }

    @Test("a write its producer encoded lets go of its samples and records, and stores what the store would have")
    func producerEncodedWrite() throws {
        var encoded = write(2)
        encoded.records.append(record(7))
        let unencoded = encoded
        encoded.encode()
        #expect(encoded.samples.isEmpty && encoded.records.isEmpty)
        #expect(encoded.recordCount == 2 && unencoded.recordCount == 2)
        // Record 7's sample is not in the write: the store looks its order key up once the sample comes.
        let rows = try #require(encoded.encoded?.records)
        #expect(rows.map(\.sampleOrder) == [SampleOrderKey.key(kind: .single, ordinal: 2), nil])
        #expect(rows.map(\.flagged) == [true, false])

        let a = try RunStore(directory: try temporaryStoreDirectory())
        let b = try RunStore(directory: try temporaryStoreDirectory())
        try a.commit([encoded, write(7)])
        try b.commit([unencoded, write(7)])
        #expect(try a.contentHash() == b.contentHash())
        #expect(try a.record(id: "rec-2") == record(2, flagged: true))
        #expect(try a.sample(id: "smp-2") == sample(2))
        let order = try a.read { db in
            try Int.fetchAll(db, sql: "SELECT sample_order FROM records WHERE id IN ('rec-2', 'rec-7') ORDER BY id")
        }
        #expect(order == [SampleOrderKey.key(kind: .single, ordinal: 2), SampleOrderKey.key(kind: .single, ordinal: 7)])
    }

    @Test("a failed item counts its attempts and turns done when it later succeeds")
    func failuresAndRetries() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        let failure = LedgerEntry(item: "smp-1", stage: "render", status: .failed, error: "bad pixels")
        try store.commit([StoreWrite(ledger: [failure])])
        try store.commit([StoreWrite(ledger: [failure])])
        #expect(try store.failures() == [LedgerFailure(item: "smp-1", stage: "render", attempts: 2, error: "bad pixels")])
        try store.commit([write(1)])
        #expect(try store.failures().isEmpty)
        #expect(try store.completedItems(stage: "render") == ["smp-1"])
    }

    @Test("failures of items a stage no longer plans are forgotten; planned ones and other stages' stay")
    func staleFailuresAreForgotten() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([StoreWrite(ledger: [
            LedgerEntry(item: "img1>other>judgement", stage: "questions", status: .failed, error: "caption failed"),
            LedgerEntry(item: "img2>ocr>judgement", stage: "questions", status: .failed, error: "bad reply"),
            LedgerEntry(item: "img1", stage: "caption", status: .failed, error: "timeout"),
        ])])
        #expect(try store.forgetFailures(stage: "questions", notIn: ["img1>scene>judgement", "img2>ocr>judgement"]) == 1)
        #expect(try store.failures().map(\.item) == ["img1", "img2>ocr>judgement"])
    }

    @Test("a stage's ledger state (done items, failures of every stage) reads what the separate reads give")
    func ledgerState() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        let empty = try store.ledgerState(stage: "check")
        #expect(empty.done.isEmpty && empty.failures.isEmpty)
        try store.commit([
            StoreWrite(ledger: [
                LedgerEntry(item: "smp-1", stage: "check", status: .done),
                LedgerEntry(item: "smp-2", stage: "render", status: .failed, error: "bad pixels"),
                LedgerEntry(item: "smp-3", stage: "check", status: .failed, error: "disagreement"),
                LedgerEntry(item: "smp-4", stage: "render", status: .done),
            ])
        ])
        let state = try store.ledgerState(stage: "check")
        #expect(state.done == ["smp-1"])
        #expect(state.done == (try store.completedItems(stage: "check")))
        #expect(state.failures.map(\.item) == ["smp-3", "smp-2"])  // by stage, then item
        #expect(state.failures == (try store.failures()))
    }

    @Test("the batching writer commits batches in order, each before the next is handed over, and the rest on flush")
    func batchingWriter() async throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        let writer = BatchingWriter(store: store, batchSize: 2)
        try await writer.submit(write(0))
        try await writer.submit(write(1))  // batch 1 handed over
        try await writer.submit(write(2))
        try await writer.submit(write(3))  // batch 2 handed over once batch 1 is committed
        #expect(try store.completedItems(stage: "render").isSuperset(of: ["smp-0", "smp-1"]))
        try await writer.submit(write(4))
        try await writer.flush()
        #expect(try store.completedItems(stage: "render") == ["smp-0", "smp-1", "smp-2", "smp-3", "smp-4"])
        #expect(await writer.batches == 3)
    }

    @Test("a failed batch's error reaches the producers, and nothing after it is committed")
    func batchingWriterStopsAtAFailedBatch() async throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        struct Boom: Error {}
        let writer = BatchingWriter(store: store, batchSize: 2) { batch in if batch == 2 { throw Boom() } }
        for item in 0..<4 { try await writer.submit(write(item)) }  // batch 2 is handed over, not yet waited for
        await #expect(throws: Boom.self) {
            for item in 4..<6 { try await writer.submit(write(item)) }  // waits for batch 2
        }
        await #expect(throws: Boom.self) { try await writer.flush() }
        #expect(try store.completedItems(stage: "render") == ["smp-0", "smp-1"])  // batch 2 lost whole, batch 3 refused
    }

    @Test("meta values are stored and replaced")
    func meta() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        #expect(try store.meta("k") == nil)
        try store.setMeta("k", "1")
        try store.setMeta("k", "2")
        #expect(try store.meta("k") == "2")
    }
}
