import ArgumentParser
import Foundation
import LoomEngine
import LoomExport
import LoomStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a training format from a run's records (flagged records are left out unless --flags says otherwise).",
        discussion: "Formats: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")). See docs/EXPORTS.md.")

    @Argument(help: "A recipe file or a run directory.")
    var target = "."

    @Option(help: "The format: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String

    @Option(help: "The export folder (default: export/FORMAT inside the run directory).")
    var out: String?

    @Option(help: "Flagged records: exclude, include or only.")
    var flags: String = "exclude"

    @Option(help: "Manual review: any (default), accepted (only records the review accepted) or not-rejected.")
    var review: String = "any"

    @Option(help: "Only these domains (comma-separated).")
    var domains: String?

    @Option(help: "Only these question types (comma-separated: judgement, multiple_choice, short_vqa, long_vqa, multi_round, caption).")
    var types: String?

    @Option(help: "Only these multi-image skills (comma-separated: coreference, comparison, reasoning, temporal).")
    var skills: String?

    @Option(help: "Records by image count: any, single (at most one), multiple (two or more), some (one or more) or none (text-only). Without it the format decides (LLaVA single, Mantis multiple, MIMIC-IT some, the others any).")
    var media: String?

    @Option(help: "Only these languages (comma-separated codes).")
    var languages: String?

    @Option(help: "Splits that never share an image, e.g. train=0.9,validation=0.05,test=0.05.")
    var split: String?

    @Option(help: "The seed of the split assignment.")
    var seed: UInt64 = 0

    @Option(help: "How images reach the export: copy, hardlink or symlink.")
    var images: String = "copy"

    @Option(help: "Downscale images whose longest side is larger to this many pixels.")
    var imageSize: Int?

    @Option(help: "Re-encode images: jpeg or png.")
    var imageFormat: String?

    @Option(help: "A token budget: llava-1.5-336, idefics2 or mantis (image tokens and context of that backbone).")
    var budget: String?

    @Option(help: "Tokens per image (overrides the budget preset's).")
    var imageTokens: Int?

    @Option(help: "The context limit in tokens (overrides the budget preset's).")
    var context: Int?

    @Option(help: "A Hugging Face tokenizer.json (BPE) to count text tokens with, instead of estimating them.")
    var tokenizer: String?

    @Option(help: "Records over the budget: split (between turns) or drop.")
    var overflow: String = "split"

    @Option(help: "WebDataset: most samples per shard.")
    var shardRecords: Int = 10_000

    @Option(help: "WebDataset: most bytes per shard.")
    var shardBytes: Int = 1 << 30

    @Flag(name: .customLong("videos"), help: "llamafactory: records about a video carry the video file (<video>, videos/) instead of its frames.")
    var videos = false

    @Option(name: .customLong("in-context"), help: "Mantis, mantis-hf, llamafactory, trl: inline up to this many of each query's in-context examples (from `loom link` or stages.in_context) as earlier turns with their images.")
    var inContext = 0

    @Option(help: "MIMIC-IT: the id and file prefix.")
    var prefix: String = "LM"

    @Option(help: "MIMIC-IT: the images table, parquet (PREFIX.parquet, what Otter reads) or json (PREFIX.json, as MIMIC-IT was released).")
    var imagesTable: String = "parquet"

    @Option(help: "The dataset's name (LLaMA-Factory entry, dataset card title).")
    var name: String = "loom"

    @Option(help: "The dataset card's license (a Hugging Face license id).")
    var license: String = "other"

    func run() throws {
        let format = try choice(ExportFormat.self, format, option: "format")
        let options = try exportOptions()
        let summary = try reportingErrors {
            let run = try RunLocator.runDirectory(target)
            try run.store.checkNamesMatch(options.selection)
            let folder = out.map { URL(fileURLWithPath: $0) } ?? run.url.appendingPathComponent("export/\(format.rawValue)")
            var writer = ExportWriter(store: run.store, runDirectory: run.url)
            writer.videoProgress = { done, total, path in
                FileHandle.standardError.write(Data((ExportWriter.videoProgressMessage(done: done, total: total, path: path) + "\n").utf8))
            }
            return try writer.export(format, to: folder, options: options)
        }
        print(Report.export(summary))
    }

    private func exportOptions() throws -> ExportOptions {
        var options = ExportOptions()
        options.selection.flags = try choice(RecordSelection.Flags.self, flags, option: "flags")
        options.selection.review = try choice(RecordSelection.Review.self, review, option: "review")
        options.selection.domains = commaList(domains)
        options.selection.types = commaList(types)
        options.selection.skills = commaList(skills)
        options.selection.languages = commaList(languages)
        options.selection.media = try media.map { try choice(RecordSelection.Media.self, $0, option: "media") }
        if let split { options.splits = try reportingErrors { try SplitPlan.parse(split, seed: seed) } }
        options.images.placement = try choice(ImageOptions.Placement.self, images, option: "images")
        if let imageSize {
            guard imageSize >= 16 else { throw ValidationError("--image-size must be at least 16") }
            options.images.maxSide = imageSize
        }
        options.images.encoding = try imageFormat.map { try choice(ImageOptions.Encoding.self, $0, option: "image-format") }
        if budget != nil || imageTokens != nil || context != nil || tokenizer != nil {
            let preset = try budget.map { try choice(TokenBudget.Preset.self, $0, option: "budget") } ?? .mantis
            options.budget = TokenBudget(
                imageTokens: imageTokens ?? preset.imageTokens, contextLimit: context ?? preset.contextLimit,
                overflow: try choice(TokenBudget.Overflow.self, overflow, option: "overflow"), tokenizer: tokenizer)
        }
        guard shardRecords > 0, shardBytes > 0 else { throw ValidationError("shard limits must be positive") }
        options.shardRecords = shardRecords
        options.shardBytes = shardBytes
        guard (0...32).contains(inContext) else { throw ValidationError("--in-context must be between 0 and 32") }
        options.inContextExamples = inContext
        options.videos = videos
        options.mimicitPrefix = prefix
        options.mimicitImages = try choice(MIMICITImagesTable.self, imagesTable, option: "images-table")
        options.datasetName = name
        options.license = license
        return options
    }
}
