import Foundation
import LoomCheck
import LoomCore
import LoomGenerate
import LoomRecipe
import LoomStore

/// The ground stage: turns the annotations of ingested images into records. Each planned sample is made on a
/// CPU worker (its images read from the store, its records generated and checked) and committed with its
/// ledger row, so a resumed run makes only what is missing.
struct AnnotatedSampleStage: Sendable {
    let recipe: Recipe
    let store: RunStore
    let generator: TemplateGenerator
    let workers: CPUWorkers
    let writer: BatchingWriter
    let observer: RunObserver?

    /// Makes the samples not made yet; returns how many this invocation made.
    func run() async throws -> (planned: Int, made: Int) {
        let plan = try AnnotatedSamplePlan(store: store, settings: recipe.ground, seed: recipe.seed)
        try store.setMeta(RunDirectory.Key.plannedAnnotatedSamples, String(plan.samples.count))
        guard !plan.samples.isEmpty else { return (0, 0) }
        let done = try store.completedItems(stage: Stage.ground.rawValue)
        let exhausted = Set(try store.failures(stage: Stage.ground.rawValue)
            .filter { $0.attempts >= RecipeRunner.maxAttempts }.map(\.item))
        let pending = plan.samples.filter { !done.contains($0.id) && !exhausted.contains($0.id) }
        var generator = generator
        generator.categories = plan.categories
        let maker = AnnotatedSampleMaker(recipe: recipe, store: store, generator: generator)
        observer?(.stageStarted(stage: .ground, total: plan.samples.count, alreadyDone: done.count))
        let tally = RunTally(done: done.count, failed: exhausted.count)
        let observer = observer
        let (writer, workers) = (writer, workers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var queue = pending.makeIterator()
            func startNext() -> Bool {
                guard let item = queue.next() else { return false }
                group.addTask {
                    do {
                        let write = try await workers.run { try maker.make(item) }
                        try await writer.submit(write)
                        let now = tally.state.withLock { state in
                            state.done += 1
                            state.records += write.records.count
                            return state
                        }
                        observer?(.progressed(stage: .ground, done: now.done, failed: now.failed, records: now.records))
                    } catch let error as LoomError where error.kind == .generate || error.kind == .io {
                        try await writer.submit(StoreWrite(ledger: [
                            LedgerEntry(item: item.id, stage: Stage.ground.rawValue, status: .failed, error: error.description)
                        ]))
                        let now = tally.state.withLock { state in
                            state.failed += 1
                            return state
                        }
                        observer?(.itemFailed(item: item.id, stage: .ground, reason: error.description))
                        observer?(.progressed(stage: .ground, done: now.done, failed: now.failed, records: now.records))
                    }
                }
                return true
            }
            for _ in 0..<(workers.threads * 2) where !startNext() { break }
            while try await group.next() != nil { _ = startNext() }
        }
        try await writer.flush()
        let (madeDone, madeFailed) = tally.state.withLock { ($0.done, $0.failed) }
        observer?(.stageFinished(stage: .ground, done: madeDone, failed: madeFailed))
        return (plan.samples.count, pending.count)
    }
}

/// Makes one annotated sample on the calling thread: reads its images' annotations, generates the records and
/// checks every answer against the annotations.
struct AnnotatedSampleMaker: Sendable {
    let recipe: Recipe
    let store: RunStore
    let generator: TemplateGenerator

    func make(_ planned: PlannedAnnotatedSample) throws -> StoreWrite {
        var images: [AnnotatedImage] = []
        for id in planned.images {
            guard let image = try store.image(id: id) else {
                throw LoomError(.generate, "the ingested image is missing from the store", subject: id)
            }
            images.append(AnnotatedImage(width: image.width, height: image.height, objects: image.annotations.objects))
        }
        let truth = SampleTruth.annotated(AnnotatedTruth(kind: planned.kind, images: images))
        let sample = Sample(id: planned.id, kind: planned.kind, ordinal: planned.ordinal, media: planned.images, truth: truth)
        var records = try generator.records(for: sample, seed: StableID.seed(recipe.seed, planned.id, "generate"))
        for index in records.indices {
            records[index].flags = AnswerChecker.check(records[index], truth: truth)
        }
        if recipe.check.onDisagreement == .fail, let bad = records.first(where: { !$0.flags.isEmpty }) {
            throw LoomError(
                .check, bad.flags.map(\.reason).joined(separator: "; ") + " (stages.check.on_disagreement is 'fail')",
                subject: "record \(bad.id)")
        }
        var write = StoreWrite(
            samples: [sample], records: records,
            ledger: [LedgerEntry(item: planned.id, stage: Stage.ground.rawValue, status: .done)])
        write.encode()
        return write
    }
}
