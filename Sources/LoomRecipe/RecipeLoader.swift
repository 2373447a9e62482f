import Foundation
import LoomCore
import LoomLinking
import Yams

/// Reads and validates recipe files. Every problem is reported with its file, line and column before any
/// work starts.
public enum RecipeLoader {
    /// Checks a scene source against what the scene module can draw; returns the problems.
    public typealias SceneCheck = @Sendable (SceneSource) -> [String]

    /// Loads the recipe at `url`.
    ///
    /// - Parameters:
    ///   - knownDomains: the domains the generator can write; names outside it are errors.
    ///   - sceneCheck: problems of the scene settings as a whole (reported at `sources.scenes`).
    ///   - checksEnvironment: whether the environment variables named by `api_key_env` must be set and the
    ///     source paths must exist; false for commands that only read a run (status, export), which send no
    ///     request and read no source.
    public static func load(
        contentsOf url: URL, knownDomains: [Domain]? = nil, sceneCheck: SceneCheck? = nil, checksEnvironment: Bool = true
    ) throws -> Recipe {
        let environment = checksEnvironment ? ProcessInfo.processInfo.environment : nil
        return try parse(
            try recipeText(at: url), file: url.path, knownDomains: knownDomains, sceneCheck: sceneCheck, environment: environment,
            sourceFolder: checksEnvironment ? url.deletingLastPathComponent() : nil)
    }

    /// The recipe file's text, or an error that says what is wrong with the path (Foundation's own messages
    /// said "the file isn't in the correct format" for text that is not UTF-8, and less for a folder).
    static func recipeText(at url: URL) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw LoomError(.recipe, "there is no recipe file here (`loom init` writes a starter recipe)", subject: url.path)
        }
        if isFolder.boolValue {
            throw LoomError(.recipe, "this is a folder; give the recipe's YAML file", subject: url.path)
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw LoomError(.recipe, "cannot read the recipe: permission denied", subject: url.path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoomError(.recipe, "cannot read the recipe: \(error.localizedDescription)", subject: url.path)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw LoomError(.recipe, "the recipe is not UTF-8 text", subject: url.path)
        }
        return text
    }

    /// Parses recipe text; `file` names it in diagnostics. `environment` is where `api_key_env` variables must be
    /// set; nil skips that check. `sourceFolder` is the folder relative source paths are read from, when every
    /// source path must exist; nil skips that check.
    public static func parse(
        _ text: String, file: String, knownDomains: [Domain]? = nil, sceneCheck: SceneCheck? = nil,
        environment: [String: String]? = ProcessInfo.processInfo.environment, sourceFolder: URL? = nil
    ) throws -> Recipe {
        let sink = DiagnosticSink(file: file, sourceFolder: sourceFolder)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw RecipeError([RecipeDiagnostic(file: file, line: 1, column: 1, path: "", message: "the recipe is empty")])
            }
            root = node
        } catch let error as RecipeError {
            throw error
        } catch let error as YamlError {
            throw RecipeError([yamlDiagnostic(error, file: file, text: text)])
        }
        guard let top = MappingReader(root, path: "", sink: sink) else { throw RecipeError(sink.diagnostics) }

        let name = top.string("name", default: "loom-run")
        let seed = UInt64(top.int("seed", default: 0, in: 0...Int.max))
        let output = top.string("output", default: "runs/\(name)")
        var scenes: SceneSource?
        var collections: [CollectionSource] = []
        var videos: [VideoCollection] = []
        var sceneVideos: SceneVideoSource?
        if let sources = top.mapping("sources") {
            if let sceneReader = sources.mapping("scenes") {
                let source = readScenes(sceneReader)
                if sink.diagnostics.isEmpty, let sceneCheck {
                    for problem in sceneCheck(source) { sink.report(problem, at: sceneReader.node, path: "sources.scenes") }
                }
                scenes = source
            }
            collections = CollectionReader.read(sources, sink: sink)
            videos = CollectionReader.readVideos(sources, sink: sink)
            if let reader = sources.mapping("scene_videos") { sceneVideos = CollectionReader.readSceneVideos(reader) }
            sources.finish()
        }
        if scenes == nil && collections.isEmpty && videos.isEmpty && sceneVideos == nil && sink.diagnostics.isEmpty {
            sink.report(
                "the recipe names no sources: add 'sources:' with 'scenes', 'folders', 'manifests', 'coco', 'videos' or 'scene_videos'", at: root,
                path: "sources")
        }

        var generate = GenerateSettings()
        var check = CheckSettings()
        var ingest = IngestSettings()
        var ground = GroundSettings()
        let models = ModelReader.readEndpoints(top, sink: sink, environment: environment)
        var modelStages = ModelStages()
        var quality = QualitySettings()
        var inContext: LinkSettings?
        if let stages = top.mapping("stages") {
            if let reader = stages.mapping("quality") { quality = QualityReader.read(reader) }
            if let reader = stages.mapping("in_context") { inContext = readInContext(reader, seed: seed) }
            modelStages = ModelReader.readStages(stages, endpoints: models.map(\.name), knownDomains: knownDomains)
            if let reader = stages.mapping("ingest") { ingest = CollectionReader.readIngest(reader) }
            if let reader = stages.mapping("ground") { ground = readGround(reader) }
            if let reader = stages.mapping("generate") { generate = readGenerate(reader, knownDomains: knownDomains) }
            if let reader = stages.mapping("check") {
                let mode = reader.string(
                    "on_disagreement", default: "flag", allowed: CheckSettings.OnDisagreement.allCases.map(\.rawValue))
                check = CheckSettings(onDisagreement: .init(rawValue: mode) ?? .flag)
                reader.finish()
            }
            stages.finish()
        }

        if top.has("prompts") { modelStages.prompts = top.string("prompts", default: "") }
        let imageStages = [
            ("questions", modelStages.questions != nil), ("conversation", modelStages.conversation != nil),
            ("multi_vqa", modelStages.multiVQA != nil), ("caption", modelStages.caption != nil),
        ]
        if collections.isEmpty, let (name, _) = imageStages.first(where: { $0.1 }), sink.diagnostics.isEmpty {
            sink.report(
                "the \(name) stage works on your own images: add 'sources:' with 'folders', 'manifests' or 'coco'",
                at: top.value("stages") ?? root, path: "stages.\(name)")
        }

        var store = StoreSettings()
        if let reader = top.mapping("store") {
            store.batchSize = reader.int("batch_size", default: store.batchSize, in: 1...10_000)
            reader.finish()
        }

        var costLimit: Double?
        if top.has("cost_limit") {
            costLimit = top.double("cost_limit", default: 1, in: 0.000_001...1_000_000_000)
            // Every call would cost $0 and the limit would never stop anything: say so rather than let the user
            // trust it.
            if models.isEmpty {
                top.report("cost_limit limits what model calls cost, and the recipe names no 'models'", key: "cost_limit")
            } else if models.allSatisfy({ $0.inputPrice == 0 && $0.outputPrice == 0 }) {
                top.report(
                    "cost_limit needs prices to count with: give the endpoints a 'price' (dollars per million tokens, e.g. {input: 2.5, output: 10})",
                    key: "cost_limit")
            }
        }

        var review: ReviewRecipeSettings?
        if let reader = top.mapping("review") {
            var settings = ReviewRecipeSettings()
            settings.passes = reader.int("passes", default: settings.passes, in: 1...20)
            settings.policy = reader.string("policy", default: settings.policy, allowed: ReviewRecipeSettings.policies)
            settings.leaseMinutes = reader.double("lease_minutes", default: settings.leaseMinutes, in: 0.5...1440)
            if reader.has("hourly_rate") { settings.hourlyRate = reader.double("hourly_rate", default: 0, in: 0...100_000) }
            reader.finish()
            review = settings
        }

        var exports: [ExportSpec] = []
        // Exports run side by side: two into one folder would clear and overwrite each other's files.
        var exportFolders: [String: Int] = [:]
        for (index, node) in (top.sequence("exports") ?? []).enumerated() {
            guard let reader = MappingReader(node, path: "exports[\(index)]", sink: sink) else { continue }
            if let spec = ExportReader.read(reader, node: node, path: "exports[\(index)]", seed: seed, sink: sink) {
                let folder = URL(fileURLWithPath: spec.path, relativeTo: URL(fileURLWithPath: "/run/")).standardizedFileURL.path
                if let first = exportFolders[folder] {
                    sink.report(
                        "exports[\(first)] already writes into '\(spec.path)'; give each export its own 'path'", at: node,
                        path: "exports[\(index)].path")
                } else {
                    exportFolders[folder] = index
                }
                exports.append(spec)
            }
        }
        top.finish()

        guard sink.diagnostics.isEmpty else { throw RecipeError(sink.diagnostics) }
        var recipe = Recipe(
            name: name, seed: seed, output: output, scenes: scenes, collections: collections, ingest: ingest,
            ground: ground, generate: generate, check: check, store: store, exports: exports)
        recipe.models = models
        recipe.modelStages = modelStages
        recipe.quality = quality
        recipe.review = review
        recipe.inContext = inContext
        recipe.costLimit = costLimit
        recipe.videos = videos
        recipe.sceneVideos = sceneVideos
        return recipe
    }

    /// `stages.in_context`: how each record's in-context examples are chosen.
    private static func readInContext(_ reader: MappingReader, seed: UInt64) -> LinkSettings {
        var settings = LinkSettings(seed: seed)
        settings.strategy = LinkSettings.Strategy(
            rawValue: reader.string("strategy", default: settings.strategy.rawValue, allowed: LinkSettings.Strategy.allCases.map(\.rawValue)))
            ?? settings.strategy
        settings.k = reader.int("k", default: settings.k, in: 1...32)
        settings.exampleShare = reader.double("example_share", default: settings.exampleShare, in: 0.01...0.9)
        settings.sameSample = reader.bool("same_sample", default: settings.sameSample)
        reader.finish()
        return settings
    }

    private static func readScenes(_ reader: MappingReader) -> SceneSource {
        var source = SceneSource()
        source.singles = reader.int("singles", default: source.singles, in: 0...10_000_000)
        source.pairs = countOrMapping(reader, "pairs", default: source.pairs) { nested in
            if nested.has("images") {
                let images = nested.int("images", default: 2, in: 0...1000)
                if images != 2 { nested.report("a pair has exactly 2 images, not \(images)", key: "images") }
            }
        }
        source.sets = countOrMapping(reader, "sets", default: source.sets) { nested in
            source.setImages = nested.range("images", default: source.setImages, in: 3...6)
        }
        source.sequences = countOrMapping(reader, "sequences", default: source.sequences) { nested in
            source.sequenceFrames = nested.range("frames", default: source.sequenceFrames, in: 4...16)
        }
        if let image = reader.mapping("image") {
            source.width = image.int("width", default: source.width, in: 128...4096)
            source.height = image.int("height", default: source.height, in: 128...4096)
            source.format = image.string("format", default: source.format, allowed: ["png", "jpeg"])
            source.jpegQuality = image.int("jpeg_quality", default: source.jpegQuality, in: 1...100)
            image.finish()
        }
        source.objects = reader.range("objects", default: source.objects, in: 1...12)
        source.labels = reader.range("labels", default: source.labels, in: 0...4)
        source.maxOcclusion = reader.double("max_occlusion", default: source.maxOcclusion, in: 0...0.6)
        if source.sampleCount == 0 {
            reader.report("the scene source makes no samples: set singles, pairs, sets or sequences above 0", key: "singles")
        }
        reader.finish()
        return source
    }

    /// Reads `key: N` or `key: {count: N, …}`; `extra` reads the mapping's other keys.
    private static func countOrMapping(
        _ reader: MappingReader, _ key: String, default fallback: Int, extra: (MappingReader) -> Void
    ) -> Int {
        guard let node = reader.value(key) else { return fallback }
        if case .scalar = node { return reader.int(key, default: fallback, in: 0...10_000_000) }
        guard let nested = reader.mapping(key) else { return fallback }
        let count = nested.int("count", default: fallback, in: 0...10_000_000)
        extra(nested)
        nested.finish()
        return count
    }

    private static func readGround(_ reader: MappingReader) -> GroundSettings {
        var settings = GroundSettings()
        settings.singles = reader.bool("singles", default: settings.singles)
        settings.pairs = reader.int("pairs", default: settings.pairs, in: 0...10_000_000)
        settings.sets = countOrMapping(reader, "sets", default: settings.sets) { nested in
            settings.setImages = nested.range("images", default: settings.setImages, in: 3...6)
        }
        reader.finish()
        return settings
    }

    private static func readGenerate(_ reader: MappingReader, knownDomains: [Domain]?) -> GenerateSettings {
        var settings = GenerateSettings()
        if let types = reader.stringList("types", allowed: GenerateSettings.allTypes.map(\.rawValue)) {
            settings.types = types.compactMap(QuestionType.init(rawValue:))
            if types.isEmpty { reader.report("name at least one question type", key: "types") }
        }
        if let domains = reader.stringList("domains", allowed: knownDomains?.map(\.rawValue) ?? []) {
            settings.domains = domains.map(Domain.init(rawValue:))
        }
        settings.language = reader.string("language", default: "en", allowed: ["en"])
        reader.finish()
        return settings
    }

    private static func yamlDiagnostic(_ error: YamlError, file: String, text: String) -> RecipeDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            // libyaml's words for a tab are "found character that cannot start any token": name the tab.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if mark.line >= 1, mark.line <= lines.count, lines[mark.line - 1].prefix(mark.column).contains("\t") {
                return RecipeDiagnostic(
                    file: file, line: mark.line, column: mark.column, path: "",
                    message: "not valid YAML: a tab character; YAML indents with spaces only")
            }
            return RecipeDiagnostic(file: file, line: mark.line, column: mark.column, path: "", message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return RecipeDiagnostic(
                file: file, line: context.mark.line, column: context.mark.column, path: "",
                message: "not valid YAML: "
                    + duplicates.map { "'\($0)'" }.joined(separator: ", ")
                    + (duplicates.count == 1 ? " is given twice" : " are given twice") + " in the same mapping")
        default:
            return RecipeDiagnostic(file: file, line: 1, column: 1, path: "", message: "not valid YAML: \(error)")
        }
    }
}
