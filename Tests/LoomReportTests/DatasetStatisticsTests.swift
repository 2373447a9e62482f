import Foundation
import LoomCore
import LoomStore
import Testing

@testable import LoomReport

@Suite("Dataset statistics")
struct DatasetStatisticsTests {
    @Test("counts add up to the record count in every breakdown")
    func countsAddUp() async throws {
        let fixture = try await ReportFixture.shared.value
        let s = try DatasetStatistics.read(from: fixture.store, name: "fixture")
        let counts = try fixture.store.recordCounts()
        #expect(s.records == counts.total)
        #expect(s.records > 50)
        #expect(s.kept + s.flagged == s.records)
        #expect(s.flagged == ReportFixture.flaggedIDs.count)
        for breakdown in [s.domains, s.types, s.skills, s.languages, s.sampleKinds, s.mediaCounts] {
            #expect(breakdown.reduce(0) { $0 + $1.count } == s.records)
        }
        #expect(s.sampleKinds.map(\.label).sorted() == ["pair", "sequence", "set", "single", "unknown"])
        #expect(s.mediaCounts.map { Int($0.label)! } == s.mediaCounts.map { Int($0.label)! }.sorted())
        #expect(s.domains.first { $0.label == "hand_made" }?.count == 5)
    }

    @Test("histogram bins sum to the records they measured, overall and per type")
    func histogramsSum() async throws {
        let fixture = try await ReportFixture.shared.value
        let s = try DatasetStatistics.read(from: fixture.store)
        for histogram in [s.instructionWords, s.answerWords] {
            #expect(histogram.counts.reduce(0, +) == s.records)
            #expect(histogram.total == s.records)
            #expect((histogram.minimum ?? -1) >= 0 && (histogram.maximum ?? -1) >= (histogram.minimum ?? 0))
        }
        for type in s.types {
            #expect(s.instructionWordsByType[type.label]?.counts.reduce(0, +) == type.count)
            #expect(s.answerWordsByType[type.label]?.counts.reduce(0, +) == type.count)
        }
    }

    @Test("a histogram puts each length in the bin whose range holds it")
    func histogramBins() {
        var histogram = LengthHistogram(lowerBounds: [0, 1, 3, 10])
        for length in [0, 1, 2, 3, 9, 10, 500] { histogram.add(length) }
        #expect(histogram.counts == [1, 2, 2, 2])
        #expect(histogram.label(ofBin: 0) == "0")
        #expect(histogram.label(ofBin: 2) == "3\u{2013}9")
        #expect(histogram.label(ofBin: 3) == "10+")
        #expect(histogram.minimum == 0 && histogram.maximum == 500 && histogram.sum == 525)
    }

    @Test("verbs: every English instruction analysed, each verb's objects within its count")
    func verbDiversity() async throws {
        let fixture = try await ReportFixture.shared.value
        let s = try DatasetStatistics.read(from: fixture.store)
        let v = s.verbs
        #expect(v.analysed == s.languages.first { $0.label == "en" }?.count)
        #expect(v.withVerb > v.analysed * 9 / 10)
        #expect(v.verbs.count <= DatasetStatistics.topVerbs && !v.verbs.isEmpty)
        #expect(v.verbs.map(\.count) == v.verbs.map(\.count).sorted(by: >))
        for verb in v.verbs {
            #expect(verb.objects.count <= DatasetStatistics.topObjectsPerVerb)
            #expect(verb.objects.reduce(0) { $0 + $1.count } + verb.otherObjects + verb.withoutObject == verb.count)
        }
        #expect(v.verbs.contains { $0.verb == "be" })
    }

    @Test("flags by code (a record once per code) and group, duplicates, rejections and cost")
    func flagsDuplicatesRejectionsCost() async throws {
        let fixture = try await ReportFixture.shared.value
        let s = try DatasetStatistics.read(from: fixture.store)
        let codes = Dictionary(uniqueKeysWithValues: s.flags.codes.map { ($0.code, $0) })
        #expect(codes.count == 5)
        #expect(codes["check.disagreement"]?.records == 1)
        #expect(codes["check.disagreement"]?.exampleReason == "first reason")
        #expect(codes["duplicate.exact"]?.exampleRecord == ReportFixture.flaggedIDs[0])
        #expect(Dictionary(uniqueKeysWithValues: s.flags.groups.map { ($0.label, $0.count) })
            == ["duplicate": 2, "check": 1, "format": 1, "judge_unsupported": 1])
        #expect(s.duplicates.records == 2)
        #expect(s.duplicates.byCode == [LabelCount(label: "duplicate.exact", count: 1), LabelCount(label: "duplicate.near", count: 1)])
        #expect(s.duplicates.images == 2 && s.duplicates.nearDuplicateImages == 1)
        #expect(s.duplicates.examples == [DuplicateSummary.ImagePair(path: "photos/cat-copy.jpg", duplicateOf: "photos/cat.jpg")])
        #expect(s.rejections.map(\.category) == ["corrupt or truncated image", "missing file"])
        #expect(s.rejections.map(\.count) == [2, 1])
        #expect(s.rejections.first?.exampleSubject == "photos/a.jpg")
        #expect(s.rejections.first?.exampleReason == "not a JPEG")
        let cost = try #require(s.cost)
        #expect(cost.total == 0.75)
        #expect(cost.tokens == 240)
        #expect(cost.records == 2)
        #expect(cost.perRecord == 0.375)
        #expect(cost.perImage == 0.75)  // one distinct image: the near-duplicate does not count
    }

    @Test("samples: kept records, evenly spaced in id order, the same every time, with their image files")
    func samples() async throws {
        let fixture = try await ReportFixture.shared.value
        let s = try DatasetStatistics.read(from: fixture.store)
        #expect(s.samples.count == DatasetStatistics.sampleCount)
        #expect(s.samples.map(\.id) == s.samples.map(\.id).sorted())
        #expect(s.samples.allSatisfy { !ReportFixture.flaggedIDs.contains($0.id) })
        for sample in s.samples where sample.domain != "hand_made" {
            #expect(!sample.images.isEmpty)
            for path in sample.images {
                #expect(FileManager.default.fileExists(atPath: fixture.runDirectory.appendingPathComponent(path).path))
            }
        }
        #expect(try DatasetStatistics.read(from: fixture.store) == s)
        #expect(StatisticsAccumulator.evenlySpaced(count: 3, among: 2) == [0, 1])
        #expect(StatisticsAccumulator.evenlySpaced(count: 4, among: 100) == [12, 37, 62, 87])
    }

    @Test("the JSON reads back as the same statistics")
    func jsonRoundTrip() async throws {
        let fixture = try await ReportFixture.shared.value
        let s = try DatasetStatistics.read(from: fixture.store, name: "fixture")
        let decoded = try JSONDecoder().decode(DatasetStatistics.self, from: try s.jsonData())
        #expect(decoded == s)
    }

    @Test("instruction text: placeholders and media labels removed, option lines kept for length only")
    func recordText() {
        let record = Record(
            id: "r", sampleID: "s", media: ["a", "b"],
            turns: [
                Turn(role: .user, text: "Image 1: <image>\nImage 2: <image>\nWhich image is brighter?\nA. Image 1\nB. Image 2\nAnswer with the letter."),
                Turn(role: .assistant, text: " A "),
            ],
            type: .multipleChoice, domain: "x", skill: .comparison, language: "en", options: ["Image 1", "Image 2"],
            answerKey: "A", checks: [], provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 0))
        #expect(RecordText.instruction(of: record) == "Which image is brighter?\nA. Image 1\nB. Image 2\nAnswer with the letter.")
        #expect(RecordText.question(of: record) == "Which image is brighter?\nAnswer with the letter.")
        #expect(RecordText.answer(of: record) == "A")
        #expect(RecordText.wordCount("Which image is brighter? — A. 1") == 6)
    }
}
