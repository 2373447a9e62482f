import Foundation
import LoomCore
import LoomEngine
import LoomExport
import LoomStore
import Testing

@Suite("Running recipes")
struct RecipeRunnerTests {
    @Test("a run makes every sample, finds no disagreement and writes both exports")
    func endToEnd() async throws {
        let fixture = try RunFixture()
        let summary = try await fixture.runner().run()
        #expect(summary.plannedSamples == 20)
        #expect(summary.samplesMadeNow == 20)
        #expect(summary.records > 100)
        #expect(summary.flaggedRecords == 0)
        #expect(summary.failures.isEmpty)
        #expect(summary.exports.map(\.format.rawValue) == ["llava", "mantis"])
        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        #expect(status.stages.filter { $0.stage != "export" }.allSatisfy { $0.done == 20 && $0.pending == 0 && $0.failed == 0 })
    }

    @Test("a second run of a finished recipe redoes nothing and changes nothing")
    func rerunIsANoOp() async throws {
        let fixture = try RunFixture()
        let first = try await fixture.runner().run()
        let second = try await fixture.runner().run()
        #expect(second.samplesMadeNow == 0)
        #expect(second.contentHash == first.contentHash)
    }

    @Test("a crash inside a batch, then a resume, gives the identical dataset")
    func resumeAfterCrashInBatch() async throws {
        let reference = try await RunFixture().runner().run()
        let fixture = try RunFixture()
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashBeforeBatch: 3)).run() }
        let store = try RunStore(directory: fixture.runDirectory)
        let doneBefore = try store.completedItems(stage: "check").count
        #expect(doneBefore > 0 && doneBefore < 20)  // some batches committed, the crashed one lost
        let resumed = try await fixture.runner().run()
        #expect(resumed.samplesMadeNow == 20 - doneBefore)  // finished work is not redone
        #expect(resumed.contentHash == reference.contentHash)
        #expect(try exportBytes(fixture) == exportBytes(reference))
    }

    @Test("an error while samples are made keeps every sample finished before it, and the resume makes only the rest")
    func crashWhileMakingSamples() async throws {
        let reference = try await RunFixture().runner().run()
        let fixture = try RunFixture()
        let plan = WorkPlan(recipe: fixture.recipe)
        let last = try #require(plan.samples.last).id  // started after every other sample
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashInSample: last)).run() }
        // Every other sample was made before the failing one was started, and was committed before `run` threw.
        let done = try RunStore(directory: fixture.runDirectory).completedItems(stage: "check")
        #expect(done == Set(plan.samples.map(\.id)).subtracting([last]))
        let resumed = try await fixture.runner().run()
        #expect(resumed.samplesMadeNow == 1)
        #expect(resumed.contentHash == reference.contentHash)
    }

    @Test("a crash in the first sample, while later ones are made, then a resume, gives the identical dataset")
    func crashInFirstSample() async throws {
        let reference = try await RunFixture().runner().run()
        let fixture = try RunFixture()
        let first = try #require(WorkPlan(recipe: fixture.recipe).samples.first).id
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashInSample: first)).run() }
        let done = try RunStore(directory: fixture.runDirectory).completedItems(stage: "check")
        #expect(!done.contains(first))
        let resumed = try await fixture.runner().run()
        #expect(resumed.samplesMadeNow == 20 - done.count)
        #expect(resumed.contentHash == reference.contentHash)
        #expect(try exportBytes(fixture) == exportBytes(reference))
    }

    @Test("a crash between the stages and the exports, then a resume, gives the identical dataset")
    func resumeAfterCrashBeforeExport() async throws {
        let reference = try await RunFixture().runner().run()
        let fixture = try RunFixture()
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashBeforeExport: true)).run() }
        // The run filled an empty store, so it left the export index out.
        #expect(try !RunStore(directory: fixture.runDirectory).hasExportIndex())
        let resumed = try await fixture.runner().run()
        #expect(resumed.samplesMadeNow == 0)
        #expect(resumed.contentHash == reference.contentHash)
        // The run's exports sorted their records instead.
        let store = try RunStore(directory: fixture.runDirectory)
        #expect(try !store.hasExportIndex())
        #expect(try exportBytes(fixture) == exportBytes(reference))
        // `loom export` builds the index and, reading through it, writes the same bytes.
        let again = fixture.folder.appendingPathComponent("again")
        let summary = try ExportWriter(store: store, runDirectory: fixture.runDirectory, copyImages: false).export(.llava, to: again)
        #expect(try store.hasExportIndex())
        #expect(try Data(contentsOf: URL(fileURLWithPath: summary.file)) == exportBytes(fixture)[0])
    }

    @Test("a run directory holding another recipe's store is refused")
    func refusesToMixRecipes() async throws {
        let fixture = try RunFixture()
        _ = try await fixture.runner().run()
        var other = fixture.recipe
        other.seed += 1
        await #expect { try await fixture.runner(recipe: other).run() } throws: { error in
            "\(error)".contains("will not mix two recipes")
        }
    }

    @Test("a store with nothing made in it yet is taken over by a changed recipe instead of refused")
    func anEmptyStoreTakesAChangedRecipe() async throws {
        let fixture = try RunFixture()
        // The first run stops before its first batch is committed: the store is claimed, but holds no work.
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashBeforeBatch: 1)).run() }
        #expect(try !RunStore(directory: fixture.runDirectory).holdsWork())
        var other = fixture.recipe
        other.seed += 1
        let summary = try await fixture.runner(recipe: other).run()
        #expect(summary.samplesMadeNow > 0)
        #expect(try RunStore(directory: fixture.runDirectory).holdsWork())
    }

    @Test("a mistyped source folder stops the run before the run directory is made; the corrected recipe runs")
    func aMistypedSourceFolderLeavesNothingBehind() async throws {
        let fixture = try IngestFixture()
        try Data(try IngestFixture.jpeg(seed: 1)).write(to: fixture.images.appendingPathComponent("a.jpg"))
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        try text.replacingOccurrences(of: "path: photos", with: "path: photoz").write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        // Reported by the recipe check, at the line that names the folder.
        await #expect { try await fixture.runner().run() } throws: {
            "\($0)".contains("sources.folders[0].path: the folder does not exist") && "\($0)".hasSuffix("photoz")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.runDirectory.appendingPathComponent(RunStore.fileName).path))
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        let summary = try await fixture.runner().run()
        #expect(summary.ingest?.images == 1)
    }

    @Test("an output folder that cannot be created ends the run with a message naming it")
    func unusableOutput() async throws {
        let fixture = try RunFixture()
        try Data("not a folder".utf8).write(to: fixture.runDirectory)
        await #expect { try await fixture.runner().run() } throws: { error in
            "\(error)".contains(fixture.runDirectory.path) && "\(error)".contains("cannot create the run directory")
        }
    }

    private func exportBytes(_ summary: RunSummary) throws -> [Data] {
        try summary.exports.map { try Data(contentsOf: URL(fileURLWithPath: $0.file)) }
    }

    private func exportBytes(_ fixture: RunFixture) throws -> [Data] {
        try ["llava", "mantis"].map { try Data(contentsOf: fixture.runDirectory.appendingPathComponent("export/\($0)/data.json")) }
    }
}
