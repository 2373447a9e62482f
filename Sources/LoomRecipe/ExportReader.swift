import LoomCore
import LoomExport
import LoomStore
import Yams

/// Reads one entry of `exports:`.
enum ExportReader {
    static func read(_ reader: MappingReader, node: Node, path: String, seed: UInt64, sink: DiagnosticSink) -> ExportSpec? {
        let formatName = reader.string("format", default: "", allowed: ExportFormat.allCases.map(\.rawValue))
        if !reader.has("format") { sink.report("an export needs a 'format'", at: node, path: path) }
        let folder = reader.string("path", default: "export/\(formatName)")
        var options = ExportOptions()
        options.images.placement = ImageOptions.Placement(
            rawValue: reader.string("images", default: "copy", allowed: ImageOptions.Placement.allCases.map(\.rawValue))) ?? .copy
        if reader.has("image_size") { options.images.maxSide = reader.int("image_size", default: 448, in: 16...16_384) }
        if reader.has("image_format") {
            options.images.encoding = ImageOptions.Encoding(
                rawValue: reader.string("image_format", default: "jpeg", allowed: ImageOptions.Encoding.allCases.map(\.rawValue)))
        }
        options.images.jpegQuality = reader.int("jpeg_quality", default: options.images.jpegQuality, in: 1...100)
        if let select = reader.mapping("select") {
            options.selection = selection(select)
            select.finish()
        }
        if let split = reader.mapping("split") {
            let shares = split.keys.map { SplitPlan.Split(name: $0, fraction: split.double($0, default: 0, in: 0...1)) }
            do {
                options.splits = try SplitPlan(splits: shares, seed: seed)
            } catch let error as LoomError {
                reader.report(error.message, key: "split")
            } catch {}
        }
        if let budget = reader.mapping("budget") {
            options.budget = self.budget(budget)
            budget.finish()
        }
        if let shard = reader.mapping("shard") {
            options.shardRecords = shard.int("records", default: options.shardRecords, in: 1...100_000_000)
            options.shardBytes = shard.int("bytes", default: options.shardBytes, in: 1 << 16...1 << 40)
            shard.finish()
        }
        options.inContextExamples = reader.int("in_context", default: 0, in: 0...32)
        options.videos = reader.bool("videos", default: false)
        options.mimicitPrefix = reader.string("prefix", default: options.mimicitPrefix)
        if !options.mimicitPrefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) || options.mimicitPrefix.isEmpty {
            reader.report("the prefix must be ASCII letters and digits (MIMIC-IT ids are PREFIX_INS_000001)", key: "prefix")
        }
        options.mimicitImages = MIMICITImagesTable(rawValue: reader.string(
            "images_table", default: options.mimicitImages.rawValue, allowed: MIMICITImagesTable.allCases.map(\.rawValue))) ?? .parquet
        options.datasetName = reader.string("name", default: options.datasetName)
        options.license = reader.string("license", default: options.license)
        reader.finish()
        guard let format = ExportFormat(rawValue: formatName) else { return nil }
        return ExportSpec(format: format, path: folder, options: options)
    }

    private static func selection(_ reader: MappingReader) -> RecordSelection {
        var selection = RecordSelection()
        selection.flags = RecordSelection.Flags(
            rawValue: reader.string("flags", default: "exclude", allowed: RecordSelection.Flags.allCases.map(\.rawValue))) ?? .exclude
        selection.domains = Set(reader.stringList("domains", allowed: []) ?? [])
        selection.types = Set(reader.stringList("types", allowed: QuestionType.allCases.map(\.rawValue)) ?? [])
        selection.skills = Set(reader.stringList("skills", allowed: Skill.allCases.map(\.rawValue)) ?? [])
        selection.languages = Set(reader.stringList("languages", allowed: []) ?? [])
        if reader.has("media") {
            selection.media = RecordSelection.Media(
                rawValue: reader.string("media", default: "any", allowed: RecordSelection.Media.allCases.map(\.rawValue)))
        }
        if reader.has("review") {
            selection.review = RecordSelection.Review(
                rawValue: reader.string("review", default: "any", allowed: RecordSelection.Review.allCases.map(\.rawValue)))
        }
        return selection
    }

    private static func budget(_ reader: MappingReader) -> TokenBudget {
        let preset = reader.has("preset")
            ? TokenBudget.Preset(rawValue: reader.string("preset", default: "mantis", allowed: TokenBudget.Preset.allCases.map(\.rawValue)))
            : nil
        let base = preset ?? .mantis
        return TokenBudget(
            imageTokens: reader.int("image_tokens", default: base.imageTokens, in: 1...100_000),
            contextLimit: reader.int("context", default: base.contextLimit, in: 64...10_000_000),
            overflow: TokenBudget.Overflow(
                rawValue: reader.string("overflow", default: "split", allowed: TokenBudget.Overflow.allCases.map(\.rawValue))) ?? .split,
            tokenizer: reader.has("tokenizer") ? reader.string("tokenizer", default: "") : nil)
    }
}
