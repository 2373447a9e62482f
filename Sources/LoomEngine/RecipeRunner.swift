import Foundation
import LoomCore
import LoomExport
import LoomGenerate
import LoomRecipe
import LoomReview
import LoomScenes
import LoomStore
import Synchronization

/// What a run did.
public struct RunSummary: Sendable, Codable {
    public var runDirectory: String
    public var plannedSamples: Int
    /// Samples made by this invocation (the rest were done by earlier ones).
    public var samplesMadeNow: Int
    public var records: Int
    public var flaggedRecords: Int
    public var failures: [LedgerFailure]
    /// What the ingest stage did, for recipes with collections.
    public var ingest: IngestSummary?
    /// What the video stage did, for recipes with video folders.
    public var videos: VideoIngestSummary?
    /// What the convert stage did, for recipes with datasets.
    public var convert: ConvertSummary?
    /// What the model stages did and cost, for recipes with model stages.
    public var models: ModelSummary?
    /// What the quality stage found, when it ran.
    public var quality: QualitySummary?
    /// What the in-context stage did, when the recipe has one.
    public var inContext: InContextSummary?
    public var exports: [ExportSummary]
    /// SHA-256 over the whole stored dataset: equal for equal datasets.
    public var contentHash: String
    public var seconds: Double
}

/// Executes a recipe: plans the samples, makes the missing ones on the CPU workers, commits them through
/// the batching writer, and writes the exports. Killing it at any point and running it again yields the
/// same dataset: finished samples are skipped, unfinished ones are made again from the same seeds.
public final class RecipeRunner: Sendable {
    /// How often an item that fails is tried (over all invocations) before it is left failed.
    public static let maxAttempts = 3

    let recipe: Recipe
    let recipeURL: URL
    let catalog: TemplateCatalog
    let observer: RunObserver?
    let faults: FaultPlan
    let threads: Int
    let renderImages: Bool
    /// `--no-cache`: model requests are sent again even when the store has their replies.
    let bypassCache: Bool
    /// The user's request to stop early (Ctrl-C), heard by the model stages.
    let stop: RunStop?
    /// Whether a store an earlier Loom made, whose one fingerprint covered its prompts, is resumed although that
    /// fingerprint differs (`loom run --accept-changed-prompts`: the user says only the prompts changed).
    let acceptsChangedPrompts: Bool

    public init(
        recipe: Recipe, recipeURL: URL, catalog: TemplateCatalog, observer: RunObserver? = nil,
        faults: FaultPlan = FaultPlan(), threads: Int = ProcessInfo.processInfo.activeProcessorCount, renderImages: Bool = true,
        bypassCache: Bool = false, stop: RunStop? = nil, acceptsChangedPrompts: Bool = false
    ) {
        self.bypassCache = bypassCache
        self.stop = stop
        self.acceptsChangedPrompts = acceptsChangedPrompts
        self.recipe = recipe
        self.recipeURL = recipeURL
        self.catalog = catalog
        self.observer = observer
        self.faults = faults
        self.threads = threads
        self.renderImages = renderImages
    }

    /// The fingerprint of the recipe's settings that decide the dataset's content: a run directory holding another
    /// fingerprint's work refuses to mix. The prompts are apart (`promptsFingerprint`).
    public var fingerprint: String { settingsHasher().finalize() }

    /// The fingerprint of the prompt files the model stages send (the shipped ones, and the recipe's prompt folder);
    /// nil without model stages. Kept apart from `fingerprint`: a new Loom's shipped prompts, or an edited prompt
    /// folder, change what later calls send, but must not lock a long run out of its own store; the run goes on
    /// with the new prompts and says so.
    public var promptsFingerprint: String? {
        guard recipe.modelStages.any else { return nil }
        return (try? ModelStageSequence.prompts(for: recipe, recipeFolder: recipeURL.deletingLastPathComponent()))?.fingerprint ?? ""
    }

    /// The fingerprint stores hold that were made before Loom kept the prompts apart: the settings and the prompts
    /// in one (the same as `fingerprint` for a recipe without model stages).
    public var legacyFingerprint: String {
        var hasher = settingsHasher()
        if let prompts = promptsFingerprint { hasher.add(prompts) }
        return hasher.finalize()
    }

    private func settingsHasher() -> ContentHasher {
        var hasher = ContentHasher()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        hasher.add(String(recipe.seed))
        hasher.add((try? encoder.encode(recipe.scenes)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        hasher.add((try? encoder.encode(recipe.generate)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        hasher.add(recipe.check.onDisagreement.rawValue)
        if let sceneVideos = recipe.sceneVideos {
            hasher.add((try? encoder.encode(sceneVideos)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        if !recipe.videos.isEmpty || recipe.sceneVideos != nil {
            hasher.add((try? encoder.encode(recipe.videos)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            hasher.add((try? encoder.encode(recipe.ingest)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        if !recipe.collections.isEmpty {
            hasher.add((try? encoder.encode(recipe.collections)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            hasher.add((try? encoder.encode(recipe.ingest)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            hasher.add((try? encoder.encode(recipe.ground)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        hasher.add(catalog.fingerprint)
        hasher.add(renderImages ? "drawn" : "not-drawn")
        if recipe.modelStages.any {
            // The stages' settings and the models they ask decide what the models write; where an
            // endpoint lives and how hard it is driven do not, nor the limits on a reply (`max_tokens`, the
            // correction turns): Loom advises raising `max_tokens` when replies are cut off, and following that
            // advice must resume the run, not refuse it. (Replies are cached under keys that include them, so a
            // changed limit asks anew only for what is not done yet.)
            let stages = recipe.modelStages.changingCalls { call in
                call.maxTokens = nil
                call.corrections = 0
            }
            hasher.add((try? encoder.encode(stages)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            hasher.add(recipe.models.map { "\($0.name)=\($0.model)" }.sorted().joined(separator: ","))
        }
        return hasher
    }

    public func run() async throws -> RunSummary {
        let started = Date()
        let sceneSettings = recipe.scenes.map(SceneSettings.init)
        if let problem = sceneSettings?.validate().first {
            throw LoomError(.recipe, problem, subject: "sources.scenes")
        }
        if !recipe.collections.isEmpty && recipe.ingest.ocr {
            try IngestTextReader.checkModel(language: recipe.ingest.ocrLanguage)
        }
        try IngestStage.checkSourcesExist(of: recipe, recipeFolder: recipeURL.deletingLastPathComponent())
        // Prompt files and subset names are checked before the run directory exists.
        let prompts = recipe.modelStages.any
            ? try ModelStageSequence.prompts(for: recipe, recipeFolder: recipeURL.deletingLastPathComponent()) : nil
        for warning in prompts?.warnings ?? [] { observer?(.note(warning)) }
        let workers = CPUWorkers(threads: threads)
        let directory: RunDirectory
        let plan: WorkPlan
        do {
            // The fingerprint (the recipe's settings encoded and hashed, about a millisecond) is taken on a worker
            // while this thread creates the run directory and opens its store.
            let fingerprinting = Task { [self] in
                try await workers.run {
                    RunDirectory.Fingerprints(settings: self.fingerprint, prompts: prompts?.fingerprint, legacy: { self.legacyFingerprint })
                }
            }
            do {
                directory = try await RunDirectory(
                    creatingFor: recipe, recipeURL: recipeURL, acceptsChangedPrompts: acceptsChangedPrompts
                ) { try await fingerprinting.value }
            } catch {
                _ = try? await fingerprinting.value
                throw error
            }
            if directory.promptsChanged {
                observer?(.note(
                    "the prompt files have changed since this run began (a new Loom's shipped prompts, or the recipe's prompt folder): the model calls still to be made send the new ones; what was made stays"))
            }
            if let review = recipe.review {
                // The review app reads its settings from the store, so that `loom review serve RUN` needs no recipe.
                let settings = ReviewSettings(
                    passes: review.passes, policy: DisagreementPolicy(rawValue: review.policy) ?? .majority,
                    leaseSeconds: review.leaseMinutes * 60, hourlyRate: review.hourlyRate)
                try directory.store.setMeta(ReviewSettings.metaKey, String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
            }
            try directory.store.deferExportIndexIfEmpty()
            plan = WorkPlan(recipe: recipe)
            // Written on every run, empty when the recipe has none, so that a recipe whose model stages were taken
            // out does not leave them listed (`loom status`). One write with the planned samples.
            try directory.store.setMeta([
                (RunDirectory.Key.plannedSamples, String(plan.samples.count)),
                (RunDirectory.Key.costLimit, recipe.modelStages.any ? recipe.costLimit.map { String($0) } ?? "" : ""),
                (RunDirectory.Key.modelStages, recipe.modelStages.stages.map(\.rawValue).joined(separator: ",")),
            ])
        } catch {
            try? await workers.shutdown()
            throw error
        }
        let store = directory.store
        // The directory holds the run lock (`RunLock`): kept until the run returns, however it returns.
        defer { withExtendedLifetime(directory) {} }

        let faults = faults
        let writer = BatchingWriter(store: store, batchSize: recipe.store.batchSize) { batch in
            if faults.crashBeforeBatch == batch { throw InjectedCrash(point: "batch \(batch)") }
        }
        var ingest: IngestSummary?
        var videos: VideoIngestSummary?
        var pendingCount = 0
        var plannedAnnotated = 0
        var convert: ConvertSummary?
        var models: ModelSummary?
        var quality: QualitySummary?
        var inContext: InContextSummary?
        do {
            // Before ingest, which can take hours: a refused key is found now, not when the model stages start.
            if recipe.modelStages.any { try await EndpointPreflight.check(recipe, observer: observer) }
            if !recipe.collections.isEmpty {
                ingest = try await IngestStage(
                    recipe: recipe, recipeFolder: recipeURL.deletingLastPathComponent(), runDirectory: directory.url,
                    store: store, workers: workers, writer: writer, observer: observer
                ).run()
                let grounded = try await AnnotatedSampleStage(
                    recipe: recipe, store: store, generator: makeGenerator(), workers: workers, writer: writer,
                    observer: observer
                ).run()
                plannedAnnotated = grounded.planned
                pendingCount += grounded.made
                convert = try await ConvertStage(
                    recipe: recipe, recipeFolder: recipeURL.deletingLastPathComponent(), store: store,
                    converter: DatasetConverter(catalog: catalog, language: recipe.generate.language), workers: workers,
                    observer: observer
                ).run()
            }
            var videoCollections = recipe.videos
            if let source = recipe.sceneVideos {
                let maker = SceneVideoMaker(source: source, seed: recipe.seed, runDirectory: directory.url, workers: workers)
                try await maker.make()
                videoCollections.append(maker.collection)
            }
            if !videoCollections.isEmpty {
                videos = try await VideoIngestStage(
                    recipe: recipe, collections: videoCollections, recipeFolder: recipeURL.deletingLastPathComponent(),
                    runDirectory: directory.url, store: store, generator: makeGenerator(), workers: workers, writer: writer,
                    observer: observer
                ).run()
            }
            if let source = recipe.scenes, let sceneSettings {
                pendingCount += try await makeScenes(
                    plan, source: source, settings: sceneSettings, store: store, directory: directory, workers: workers,
                    writer: writer)
            }
            let modelStages = prompts.map {
                ModelStageSequence(
                    context: ModelStageContext(
                        recipe: recipe, store: store, writer: writer, runDirectory: directory.url, prompts: $0,
                        instructions: catalog.instructions, observer: observer, bypassCache: bypassCache, stop: stop))
            }
            if let modelStages {
                try await writer.flush()
                models = try await modelStages.run()
            }
            if recipe.quality.enabled {
                try await writer.flush()
                quality = try await QualityStage(
                    settings: recipe.quality, seed: recipe.seed, store: store, workers: workers, observer: observer,
                    faults: faults
                ).run()
            }
            if let modelStages, recipe.modelStages.translate != nil {
                try await writer.flush()
                models = try await modelStages.runTranslation(after: models)
            }
            if let settings = recipe.inContext {
                try await writer.flush()
                observer?(.stageStarted(stage: .inContext, total: 1, alreadyDone: 0))
                inContext = try await InContextStage(settings: settings, store: store, runDirectory: directory.url, workers: workers).run()
                observer?(.stageFinished(stage: .inContext, done: 1, failed: 0))
            }
            // Every stage commits what it queued; this makes sure before the content hash and the counts are read.
            try await writer.flush()
        } catch {
            // Before the error goes on: the batches handed to the writer finish (none may land after `run` has
            // thrown), and finished work still queued is committed, so that the next run does not redo it.
            _ = try? await writer.flush()
            try? await workers.shutdown()
            throw error
        }

        var exports: [ExportSummary] = []
        // The content hash is taken beside the exports, on a thread of its own: it reads the digests the writes kept
        // (`ContentDigests`), and digests from their rows only tables whose digest is not kept (a store made by an
        // older Loom), which held up an export until done when it ran on one of the workers.
        let hashing = CPUWorkers(threads: 1)
        // The counts and failures of the summary are read there too: the exports write no records and no failures.
        async let finalState = hashing.run {
            (hash: try store.contentHash(), counts: try store.recordCounts(), failures: try store.failures())
        }
        do {
            if faults.crashBeforeExport { throw InjectedCrash(point: "before the exports") }
            observer?(.stageStarted(stage: .export, total: recipe.exports.count, alreadyDone: 0))
            async let checkpointed: Void = writer.checkpoint()
            // Exports only read the store: write them side by side.
            let copyImages = renderImages
            exports = try await withThrowingTaskGroup(of: (Int, ExportSummary).self) { group in
                for (index, spec) in recipe.exports.enumerated() {
                    let folder = spec.path.hasPrefix("/")
                        ? URL(fileURLWithPath: spec.path) : directory.url.appendingPathComponent(spec.path)
                    var writer = ExportWriter(
                        store: store, runDirectory: directory.url, copyImages: copyImages, buildsExportIndex: false)
                    writer.videoProgress = { [observer] done, total, path in
                        observer?(.note(ExportWriter.videoProgressMessage(done: done, total: total, path: path)))
                    }
                    var options = spec.options
                    // A tokenizer file named in the recipe is relative to the recipe's folder.
                    if let tokenizer = options.budget?.tokenizer, !tokenizer.hasPrefix("/") {
                        options.budget?.tokenizer = recipeURL.deletingLastPathComponent().appendingPathComponent(tokenizer).path
                    }
                    group.addTask { [options, writer] in (index, try await workers.run { try writer.export(spec.format, to: folder, options: options) }) }
                }
                var done: [(Int, ExportSummary)] = []
                for try await result in group {
                    done.append(result)
                    observer?(.progressed(stage: .export, done: done.count, failed: 0, records: result.1.records))
                }
                return done.sorted { $0.0 < $1.0 }.map(\.1)
            }
            try await checkpointed
            try store.commit([
                StoreWrite(ledger: recipe.exports.map {
                    LedgerEntry(item: "\($0.format.rawValue):\($0.path)", stage: Stage.export.rawValue, status: .done)
                })
            ])
            observer?(.stageFinished(stage: .export, done: recipe.exports.count, failed: 0))
        } catch {
            _ = try? await finalState
            try? await hashing.shutdown()
            try? await workers.shutdown()
            throw error
        }
        let (hash, counts, failures) = try await finalState
        // Each pool joins its threads; the two at once.
        async let hashingStopped: Void = hashing.shutdown()
        async let workersStopped: Void = workers.shutdown()
        _ = try await (hashingStopped, workersStopped)

        return RunSummary(
            runDirectory: directory.url.path, plannedSamples: plan.samples.count + plannedAnnotated, samplesMadeNow: pendingCount,
            records: counts.total, flaggedRecords: counts.flagged, failures: failures, ingest: ingest, videos: videos, convert: convert, models: models,
            quality: quality, inContext: inContext, exports: exports,
            contentHash: hash, seconds: Date().timeIntervalSince(started))
    }

    /// The template generator the recipe's generate settings describe.
    private func makeGenerator() -> TemplateGenerator {
        TemplateGenerator(
            catalog: catalog, types: recipe.generate.types, domains: recipe.generate.domains,
            language: recipe.generate.language)
    }

    /// Makes the scene samples not made yet; returns how many this invocation made.
    private func makeScenes(
        _ plan: WorkPlan, source: SceneSource, settings: SceneSettings, store: RunStore, directory: RunDirectory,
        workers: CPUWorkers, writer: BatchingWriter
    ) async throws -> Int {
        let (done, failures) = try store.ledgerState(stage: Stage.check.rawValue)
        let exhausted = Set(failures.filter { $0.attempts >= Self.maxAttempts }.map(\.item))
        let pending = plan.samples.filter { !done.contains($0.id) && !exhausted.contains($0.id) }
        var worker = SampleWorker(
            recipe: recipe, source: source, settings: settings, generator: makeGenerator(), runDirectory: directory.url)
        worker.renderImages = renderImages
        observer?(.stageStarted(stage: .render, total: plan.samples.count, alreadyDone: done.count))
        let tally = RunTally(done: done.count, failed: exhausted.count)
        let maker = BoundedMaker(
            stage: .render, recoverable: [.render, .generate], workers: workers, writer: writer, observer: observer)
        let sampleWorker = worker
        let crashInSample = faults.crashInSample
        try await maker.run(pending, id: \.id, tally: tally) { planned in
            if planned.id == crashInSample { throw InjectedCrash(point: "sample \(planned.id)") }
            return try sampleWorker.make(planned)
        }
        try await writer.flush()
        let (madeDone, madeFailed) = tally.state.withLock { ($0.done, $0.failed) }
        observer?(.stageFinished(stage: .render, done: madeDone, failed: madeFailed))
        return pending.count
    }
}

/// Counts of a run in progress, shared by its tasks.
final class RunTally: Sendable {
    struct Counts {
        var done: Int
        var failed: Int
        var records = 0
    }

    let state: Mutex<Counts>

    init(done: Int, failed: Int) {
        state = Mutex(Counts(done: done, failed: failed))
    }
}

extension SceneSettings {
    /// Scene settings from a recipe's scene source.
    init(_ source: SceneSource) {
        self.init()
        width = source.width
        height = source.height
        minObjects = source.objects.lowerBound
        maxObjects = source.objects.upperBound
        minLabels = source.labels.lowerBound
        maxLabels = source.labels.upperBound
        maxOcclusion = source.maxOcclusion
    }
}
