import Foundation
import LoomStore

/// Everything about an export besides its format and folder.
public struct ExportOptions: Sendable, Hashable, Codable {
    /// Which records. Without a media condition the format's own applies (LLaVA single, Mantis multiple).
    public var selection: RecordSelection
    /// Train/validation/test splits that never share an image; nil writes one unsplit dataset.
    public var splits: SplitPlan?
    public var images: ImageOptions
    /// The trainer's context: records over it are split between turns or dropped; nil keeps every record whole.
    public var budget: TokenBudget?
    /// WebDataset: the most samples and bytes per shard (a shard closes before a sample would pass either).
    public var shardRecords: Int
    public var shardBytes: Int
    /// MIMIC-IT: the subset prefix of ids and file names (`LM_INS_000001`, `LM_instructions.json`).
    public var mimicitPrefix: String
    /// MIMIC-IT: how the images table is written: `P.parquet` (what Otter reads since late 2023) or `P.json`.
    public var mimicitImages = MIMICITImagesTable.parquet
    /// The dataset's name: the LLaMA-Factory `dataset_info.json` entry and the dataset card's title.
    public var datasetName: String
    /// The dataset card's license (a Hub license id).
    public var license: String
    /// Mantis, Mantis HF, LLaMA-Factory and TRL: inline up to this many of each query's stored in-context
    /// examples (`stages.in_context`, `loom link`) as earlier exchanges with their images; 0 writes records alone.
    public var inContextExamples = 0
    /// LLaMA-Factory: records about a video carry the video file (`<video>` and `videos`, placed in `videos/`)
    /// instead of its sampled frames, for video models; other records are unchanged.
    public var videos = false
    /// The time written into files that carry one (MIMIC-IT meta, dataset card): ISO 8601. Fixed by tests.
    public var timestamp: String

    public init(
        selection: RecordSelection = RecordSelection(), splits: SplitPlan? = nil, images: ImageOptions = ImageOptions(),
        budget: TokenBudget? = nil, shardRecords: Int = 10_000, shardBytes: Int = 1 << 30, mimicitPrefix: String = "LM",
        datasetName: String = "loom", license: String = "other", timestamp: String? = nil
    ) {
        self.selection = selection
        self.splits = splits
        self.images = images
        self.budget = budget
        self.shardRecords = shardRecords
        self.shardBytes = shardBytes
        self.mimicitPrefix = mimicitPrefix
        self.datasetName = datasetName
        self.license = license
        self.timestamp = timestamp ?? ISO8601DateFormatter().string(from: Date())
    }

    /// What exports name as their producer.
    public static let producer = "Loom 0.6"
}

/// The file a MIMIC-IT export keeps its images in (image id → base64 of the image file).
public enum MIMICITImagesTable: String, Sendable, Hashable, Codable, CaseIterable {
    /// `P.parquet`: index = image id, one column `base64`; Otter's loader reads it (`images_path: …/P.parquet`).
    case parquet
    /// `P.json`: the object `{id: base64}` MIMIC-IT was released with; Otter before its parquet switch read it.
    case json
}

/// How many records the token budget changed.
public struct BudgetCounts: Sendable, Codable, Hashable {
    /// Records split between turns into parts that fit.
    public var split = 0
    /// The parts those records became.
    public var parts = 0
    /// Records left out whole (over the budget with nothing to split, or policy `drop`).
    public var dropped = 0
    /// User–assistant exchanges lost because one alone was over the budget.
    public var droppedExchanges = 0

    public init() {}
}

/// What an export wrote.
public struct ExportSummary: Sendable, Codable, Hashable {
    public var format: ExportFormat
    public var folder: String
    /// The files written, relative to `folder` (images not listed).
    public var files: [String]
    /// The main data file (the first of `files`), as an absolute path.
    public var file: String { files.first.map { folder + "/" + $0 } ?? folder }
    public var records: Int
    /// Records per split, in the plan's order; one entry named "all" when not split.
    public var splits: [SplitCount]
    /// Image files placed in `images/`, or images embedded.
    public var images: Int
    /// Records the selection would take but for their quality flags.
    public var skippedFlagged: Int
    public var budget: BudgetCounts
    /// Records left out because one of their images could not be read or converted, with the first reasons.
    public var skippedForMedia: Int
    public var problems: [String]
    /// Records written with in-context examples inlined before them (`inContextExamples`).
    public var inlinedQueries = 0
    /// Video files placed in `videos/` (`ExportOptions.videos`); not counted in `images`.
    public var videos = 0
    /// Advice about how the export will be read (the consumer may use it differently than the user expects).
    public var warnings: [String] = []

    public struct SplitCount: Sendable, Codable, Hashable {
        public var name: String
        public var records: Int
    }
}
