import Foundation
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
        try await BoundedMaker(
            stage: .ground, recoverable: [.generate, .io], workers: workers, writer: writer, observer: observer
        ).run(pending, id: \.id, tally: tally) { try maker.make($0) }
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
        try RecordChecking.check(&records, truth: truth, policy: recipe.check.onDisagreement)
        var write = StoreWrite(
            samples: [sample], records: records,
            ledger: [LedgerEntry(item: planned.id, stage: Stage.ground.rawValue, status: .done)])
        write.encode()
        return write
    }
}
