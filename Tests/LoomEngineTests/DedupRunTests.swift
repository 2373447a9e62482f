import Foundation
import LoomCore
import LoomQuality
import LoomStore
import Testing
@testable import LoomEngine

@Suite("Deduplication in a run")
struct DedupRunTests {
    /// A finished run, plus model-written records over one of its images: an original long answer, a copy with
    /// one word changed and another question (near-duplicate), and an unrelated answer.
    static func fixture() async throws -> (RunFixture, [Record]) {
        let fixture = try RunFixture(singles: 30, pairs: 2, sets: 1, sequences: 1)
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        var long: Record?
        try store.forEachRecord(unflaggedOnly: true) { record, _ in
            if long == nil, record.type == .longVQA, record.media.count == 1 { long = record }
        }
        let base = try #require(long)
        // A long answer of its own, so that one changed word keeps the texts' shingle Jaccard near 0.95.
        let answer = """
            A narrow wooden shelf runs along the back wall, holding seven glass jars of different heights. Morning \
            light falls through a tall window on the left and draws long stripes across a tiled floor. In the \
            middle of the room a round table carries a folded newspaper, a ceramic teapot with a chipped spout \
            and two cups, one of them still half full. A grey cat sleeps on a cushion beside the door, curled \
            into a tight ball, while a bicycle leans against the radiator under the window. Nothing in the room \
            looks new, yet everything looks cared for and used every day by somebody who lives alone.
            """
        func planted(_ slot: String, question: String, answer: String, type: QuestionType = .longVQA) -> Record {
            var record = base
            record.id = "rec-planted-" + slot
            record.type = type
            record.turns = [Turn(role: .user, text: "<image>\n" + question), Turn(role: .assistant, text: answer)]
            return record
        }
        var words = answer.split(separator: " ").map(String.init)
        words[words.count / 2] = "remarkably"
        let records = [
            planted("a", question: "Describe everything you can see in this picture.", answer: answer),
            planted("b", question: "Describe everything you can see in this photo.", answer: words.joined(separator: " ")),
            planted(
                "c", question: "What could happen next?",
                answer: "Nothing in the scene suggests that anything is about to move or change at all.", type: .shortVQA),
        ]
        try store.commit([StoreWrite(records: records)])
        return (fixture, records)
    }

    @Test func nearDuplicateTextsOverTheSameImageAreFlaggedAndTheFirstKept() async throws {
        let (fixture, planted) = try await Self.fixture()
        let summary = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let flags = Dictionary(uniqueKeysWithValues: try store.records(ids: planted.map(\.id)).map { ($0.id, $0.flags.map(\.code)) })
        #expect(flags["rec-planted-a"] == [])
        #expect(flags["rec-planted-b"] == [QualityCode.nearDuplicate])
        #expect(flags["rec-planted-c"] == [])
        #expect(try #require(summary.quality).nearDuplicates + summary.quality!.exactDuplicates >= 1)
    }

    @Test("near-duplicate Chinese answers are found, though Chinese writes no spaces between words")
    func chineseNearDuplicates() async throws {
        let (fixture, planted) = try await Self.fixture()
        let answer = """
            房间后墙上有一个狭窄的木架，上面放着七个高矮不一的玻璃罐。清晨的阳光从左边高高的窗户照进来，在瓷砖地板上投下长长的条纹。            房间中央的圆桌上放着一份折好的报纸、一个壶嘴有缺口的陶瓷茶壶和两个杯子，其中一个还剩半杯茶。一只灰猫蜷成一团，            睡在门边的垫子上，一辆自行车靠在窗下的暖气片旁。房间里没有一样东西是新的，但每样东西都被人用心照料，每天都在使用。
            """
        var changed = Array(answer)
        changed[changed.count / 2] = "很"
        let records = [("d", "请详细描述这张图片中的一切。", answer), ("e", "请描述这张照片里能看到的所有东西。", String(changed))].map {
            slot, question, text -> Record in
            var record = planted[0]
            record.id = "rec-planted-zh-" + slot
            record.language = "zh"
            record.turns = [Turn(role: .user, text: "<image>\n" + question), Turn(role: .assistant, text: text)]
            return record
        }
        let store = try RunStore(directory: fixture.runDirectory)
        try store.commit([StoreWrite(records: records)])
        _ = try await fixture.runner().run()
        let flags = Dictionary(uniqueKeysWithValues: try store.records(ids: records.map(\.id)).map { ($0.id, $0.flags.map(\.code)) })
        #expect(flags["rec-planted-zh-d"] == [])
        #expect(flags["rec-planted-zh-e"] == [QualityCode.nearDuplicate])
    }

    @Test("texts below the similarity threshold are not flagged, though MinHash LSH makes many of them candidates")
    func textsBelowTheThresholdAreNotNearDuplicates() async throws {
        let (fixture, planted) = try await Self.fixture()
        var generator = SeededGenerator(seed: 99)
        func word() -> String { String((0..<6).map { _ in Character(UnicodeScalar(UInt8(97 + generator.next() % 26))) }) }
        var records: [Record] = []
        for pair in 0..<40 {
            let words = (0..<60).map { _ in word() }
            // Four words replaced, 17 apart: 12 of the 58 word 3-grams differ, a shingle Jaccard of 46/70 = 0.66,
            // below the 0.8 threshold, where the banding for 95% recall at 0.8 still makes most pairs candidates.
            var other = words
            for index in stride(from: 4, to: other.count, by: 17) { other[index] = word() }
            for (slot, text) in [("x", words), ("y", other)] {
                var record = planted[0]
                record.id = "rec-half-\(pair)-\(slot)"
                // A question of its own: the same question twice over one image is flagged before dedup.
                let question = "Describe the picture, \(word()) \(word())."
                record.turns = [Turn(role: .user, text: "<image>\n" + question), Turn(role: .assistant, text: text.joined(separator: " "))]
                records.append(record)
            }
        }
        let store = try RunStore(directory: fixture.runDirectory)
        try store.commit([StoreWrite(records: records)])
        _ = try await fixture.runner().run()
        let flagged = try store.records(ids: records.map(\.id)).filter { $0.flags.contains { $0.code == QualityCode.nearDuplicate } }
        #expect(flagged.map(\.id) == [])
        let otherFlags = try store.records(ids: records.map(\.id)).flatMap { $0.flags.map(\.code) }
        #expect(otherFlags.isEmpty, "\(Set(otherFlags))")
        // The nearly equal pair of the fixture is still found.
        #expect(try store.records(ids: ["rec-planted-b"]).first?.flags.map(\.code) == [QualityCode.nearDuplicate])
    }

    @Test func anInterruptedDedupResumesToTheSameDataset() async throws {
        let (interrupted, _) = try await Self.fixture()
        let crash = FaultPlan(crashInDedupAfterPages: 2, dedupPageSize: 16)
        await #expect(throws: InjectedCrash.self) { try await interrupted.runner(faults: crash).run() }
        let store = try RunStore(directory: interrupted.runDirectory)
        #expect(try store.meta("quality.phase") == "dedup")
        let resumed = try await interrupted.runner(faults: FaultPlan(dedupPageSize: 16)).run()

        let (straight, _) = try await Self.fixture()
        let whole = try await straight.runner(faults: FaultPlan(dedupPageSize: 16)).run()
        #expect(resumed.contentHash == whole.contentHash)
        #expect(resumed.flaggedRecords == whole.flaggedRecords)
    }
}
