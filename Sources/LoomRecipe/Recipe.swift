import LoomCore
import LoomExport
import LoomLinking

/// A complete, validated recipe: what to make, how, and where to put it.
///
/// Everything except `exports` and `output` takes part in the recipe's fingerprint: a run directory built
/// with one fingerprint refuses to continue with another.
public struct Recipe: Codable, Sendable, Hashable {
    public var name: String
    /// The seed every random choice of the run derives from.
    public var seed: UInt64
    /// The run directory, relative to the recipe file's folder unless absolute.
    public var output: String
    public var scenes: SceneSource?
    /// The user's own collections, ingested in the order listed.
    public var collections: [CollectionSource]
    /// The user's video folders, ingested after the image collections.
    public var videos: [VideoCollection] = []
    /// Procedural scene videos, made in the run directory and read like the user's videos.
    public var sceneVideos: SceneVideoSource?
    public var ingest: IngestSettings
    /// Questions grounded in the collections' annotations.
    public var ground: GroundSettings
    public var generate: GenerateSettings
    public var check: CheckSettings
    public var store: StoreSettings
    public var exports: [ExportSpec]
    /// OpenAI-compatible endpoints the model stages call.
    public var models: [ModelEndpoint] = []
    /// The model stages: captions, questions, conversations, Multi-VQA, Syphus, verify.
    public var modelStages = ModelStages()
    /// Validators, grounding check, deduplication and balancing (not part of the fingerprint).
    public var quality = QualitySettings()
    /// Manual correction: passes, disagreement policy, leases (not part of the fingerprint); nil keeps what the
    /// run's store has.
    public var review: ReviewRecipeSettings?
    /// In-context example linking (MIMIC-IT's rel_ins_ids), after quality; not part of the fingerprint.
    public var inContext: LinkSettings?
    /// `cost_limit`: the dollars the run's model calls may cost, over all stages and every invocation of the run
    /// (priced by each endpoint's `price`); nil: no limit. Not part of the fingerprint, so that raising it resumes.
    public var costLimit: Double?

    public init(
        name: String, seed: UInt64, output: String, scenes: SceneSource?, collections: [CollectionSource] = [],
        ingest: IngestSettings = IngestSettings(), ground: GroundSettings = GroundSettings(),
        generate: GenerateSettings, check: CheckSettings,
        store: StoreSettings, exports: [ExportSpec]
    ) {
        self.name = name
        self.seed = seed
        self.output = output
        self.scenes = scenes
        self.collections = collections
        self.ingest = ingest
        self.ground = ground
        self.generate = generate
        self.check = check
        self.store = store
        self.exports = exports
    }
}

/// The built-in procedural scene source.
public struct SceneSource: Codable, Sendable, Hashable {
    public var singles: Int
    public var pairs: Int
    public var sets: Int
    public var setImages: ClosedRange<Int>
    public var sequences: Int
    public var sequenceFrames: ClosedRange<Int>
    public var width: Int
    public var height: Int
    /// "png" or "jpeg".
    public var format: String
    public var jpegQuality: Int
    public var objects: ClosedRange<Int>
    public var labels: ClosedRange<Int>
    public var maxOcclusion: Double

    public init(
        singles: Int = 300, pairs: Int = 100, sets: Int = 50, setImages: ClosedRange<Int> = 3...6,
        sequences: Int = 50, sequenceFrames: ClosedRange<Int> = 4...16, width: Int = 512, height: Int = 384,
        format: String = "png", jpegQuality: Int = 92, objects: ClosedRange<Int> = 3...8,
        labels: ClosedRange<Int> = 0...2, maxOcclusion: Double = 0.35
    ) {
        self.singles = singles
        self.pairs = pairs
        self.sets = sets
        self.setImages = setImages
        self.sequences = sequences
        self.sequenceFrames = sequenceFrames
        self.width = width
        self.height = height
        self.format = format
        self.jpegQuality = jpegQuality
        self.objects = objects
        self.labels = labels
        self.maxOcclusion = maxOcclusion
    }

    /// How many samples the source makes.
    public var sampleCount: Int { singles + pairs + sets + sequences }
}

/// Settings of the template generation stage.
public struct GenerateSettings: Codable, Sendable, Hashable {
    public var types: [QuestionType]
    /// The domains to generate; empty means every domain the templates define.
    public var domains: [Domain]
    public var language: String

    public init(types: [QuestionType] = GenerateSettings.allTypes, domains: [Domain] = [], language: String = "en") {
        self.types = types
        self.domains = domains
        self.language = language
    }

    /// The types the template generator can write.
    public static let allTypes: [QuestionType] = [.judgement, .multipleChoice, .shortVQA, .longVQA, .multiRound]
}

/// Settings of the answer-checking stage.
public struct CheckSettings: Codable, Sendable, Hashable {
    /// What a disagreement between generator and checker does.
    public enum OnDisagreement: String, Codable, Sendable, Hashable, CaseIterable {
        /// Keep the record with a quality flag (exports leave flagged records out).
        case flag
        /// Stop the run.
        case fail
    }

    public var onDisagreement: OnDisagreement

    public init(onDisagreement: OnDisagreement = .flag) {
        self.onDisagreement = onDisagreement
    }
}

/// Settings of the store.
public struct StoreSettings: Codable, Sendable, Hashable {
    /// Items per write transaction.
    public var batchSize: Int

    public init(batchSize: Int = 64) {
        self.batchSize = batchSize
    }
}

/// One export the run writes when it finishes.
public struct ExportSpec: Codable, Sendable, Hashable {
    public var format: ExportFormat
    /// The export folder, relative to the run directory unless absolute.
    public var path: String
    public var options: ExportOptions

    public init(format: ExportFormat, path: String, options: ExportOptions = ExportOptions()) {
        self.format = format
        self.path = path
        self.options = options
    }
}
