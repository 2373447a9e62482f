import Foundation
import LoomCore
import LoomExport
import LoomStore
import Testing
@testable import LoomEngine

@Suite("loom mix")
struct MixRunTests {
    /// Two finished runs with different seeds.
    static func sources() async throws -> (RunFixture, RunFixture) {
        let first = try RunFixture(singles: 8, pairs: 2, sets: 1, sequences: 1, seed: 1)
        let second = try RunFixture(singles: 8, pairs: 2, sets: 1, sequences: 1, seed: 2)
        _ = try await first.runner().run()
        _ = try await second.runner().run()
        return (first, second)
    }

    func unflagged(_ url: URL) throws -> Int {
        try RunStore(directory: url).recordCounts().total - RunStore(directory: url).recordCounts().flagged
    }

    @Test func capsAndWeightsDecideHowManyRecordsComeFromEachRun() async throws {
        let (first, second) = try await Self.sources()
        let output = first.folder.appendingPathComponent("mix")
        let summary = try RunMixer(
            sources: [MixSource(path: first.runDirectory.path, cap: 30), MixSource(path: second.runDirectory.path)],
            output: output, seed: 9
        ).run()
        #expect(summary.sources.map(\.taken) == [30, try unflagged(second.runDirectory)])
        #expect(summary.records == 30 + (try unflagged(second.runDirectory)))

        let weighted = first.folder.appendingPathComponent("weighted")
        let shares = try RunMixer(
            sources: [MixSource(path: first.runDirectory.path, weight: 3), MixSource(path: second.runDirectory.path, weight: 1)],
            output: weighted, seed: 9, total: 80
        ).run()
        #expect(shares.sources.map(\.taken) == [60, 20])

        // Every record's media files and sample came along: the mixture exports like any run.
        let store = try RunStore(directory: weighted)
        var missing = 0
        var sampleIDs: Set<String> = []
        try store.forEachRecord { record, media in
            for id in record.media {
                guard let item = try media(id) else { missing += 1; continue }
                if !FileManager.default.fileExists(atPath: weighted.appendingPathComponent(item.path).path) { missing += 1 }
            }
            sampleIDs.insert(record.sampleID)
        }
        for id in sampleIDs where try store.sample(id: id) == nil { missing += 1 }
        #expect(missing == 0)
        let export = try ExportWriter(store: store, runDirectory: weighted).export(.llava, to: weighted.appendingPathComponent("export"))
        #expect(export.records > 0)
    }

    @Test("a mix's cost is what its records' model calls cost in the runs that made them")
    func aMixCarriesItsRecordsCost() async throws {
        let source = try RunFixture(singles: 6, pairs: 1, sets: 0, sequences: 0, seed: 5)
        _ = try await source.runner().run()
        let store = try RunStore(directory: source.runDirectory)
        var ids: [String] = []
        try store.forEachRecord(unflaggedOnly: true) { record, _ in if ids.count < 2 { ids.append(record.id) } }
        #expect(ids.count == 2)
        try store.rewriteRecords(ids) { record in
            var written = record
            written.provenance.model = ModelProvenance(
                endpoint: "api", model: "gpt", prompt: "questions", promptHash: "h", promptTokens: 900, completionTokens: 100, cost: 0.25)
            return written
        }
        #expect(try store.cost() == nil)  // the source run paid nothing itself (its records were rewritten by hand)
        let output = source.folder.appendingPathComponent("mix")
        _ = try RunMixer(sources: [MixSource(path: source.runDirectory.path)], output: output, seed: 1).run()
        let cost = try #require(try RunStore(directory: output).cost())
        #expect(cost.fromRecordProvenance)
        #expect(abs(cost.total - 0.5) < 1e-9)
        #expect(cost.tokens == 2000)
    }

    @Test("the same record from two sources is taken once; a different record under the same id is kept, renamed")
    func collidingIDsAreKeptApart() async throws {
        let first = try RunFixture(singles: 6, pairs: 1, sets: 0, sequences: 0, seed: 4)
        _ = try await first.runner().run()
        // A second run holding the same records, one of them changed: as two imports of files named alike, or two
        // template runs with one seed, number their records alike.
        let copy = first.folder.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: first.runDirectory, to: copy)
        let copyStore = try RunStore(directory: copy)
        var changedID: String?
        try copyStore.forEachRecord(unflaggedOnly: true) { record, _ in if changedID == nil { changedID = record.id } }
        let id = try #require(changedID)
        try copyStore.rewriteRecords([id]) { record in
            var changed = record
            changed.turns[1].text = "A different answer, written by another run."
            return changed
        }
        let total = try unflagged(first.runDirectory)
        let output = first.folder.appendingPathComponent("mix")
        let summary = try RunMixer(
            sources: [MixSource(path: first.runDirectory.path), MixSource(path: copy.path)], output: output, seed: 3
        ).run()
        #expect(summary.repeatedIDs == total - 1)
        #expect(summary.renamed == 1)
        #expect(summary.records == total + 1)
        let mixed = try RunStore(directory: output)
        var answers: [String] = []
        try mixed.forEachRecord(unflaggedOnly: false) { record, _ in
            if record.sampleID == (try? copyStore.records(ids: [id]).first?.sampleID) ?? "" { answers.append(record.turns[1].text) }
        }
        #expect(answers.contains("A different answer, written by another run."))
        #expect(try mixed.records(ids: [id]).first?.turns[1].text != "A different answer, written by another run.")
    }

    @Test func theSameSourcesAndSeedGiveTheSameMixture() async throws {
        let (first, second) = try await Self.sources()
        let sources = [MixSource(path: first.runDirectory.path, weight: 1), MixSource(path: second.runDirectory.path, weight: 1)]
        let a = try RunMixer(sources: sources, output: first.folder.appendingPathComponent("a"), seed: 4, total: 50).run()
        let b = try RunMixer(sources: sources, output: first.folder.appendingPathComponent("b"), seed: 4, total: 50).run()
        let c = try RunMixer(sources: sources, output: first.folder.appendingPathComponent("c"), seed: 5, total: 50).run()
        #expect(a.contentHash == b.contentHash)
        #expect(a.contentHash != c.contentHash)
        #expect(a.records == 50)
    }

    @Test func sourceSettingsAreParsedAndBadOnesNamed() throws {
        #expect(try MixSource.parse("runs/a") == MixSource(path: "runs/a"))
        #expect(try MixSource.parse("runs/a:weight=2,cap=10") == MixSource(path: "runs/a", weight: 2, cap: 10))
        #expect(throws: LoomError.self) { try MixSource.parse("runs/a:weight=-1") }
        #expect(throws: LoomError.self) { try MixSource.parse("runs/a:share=2") }
    }
}
