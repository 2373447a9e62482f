import Foundation
import LoomCore
import Testing

@testable import LoomRecipe

@Suite("Recipe loading")
struct RecipeLoaderTests {
    private func diagnostics(_ yaml: String) -> [RecipeDiagnostic] { recipeDiagnostics(yaml) }

    @Test("the starter recipe that `loom init` writes is valid and asks for the quickstart sizes")
    func starterRecipeParses() throws {
        let recipe = try RecipeLoader.parse(try StarterRecipe.text(), file: "starter.yaml")
        let scenes = try #require(recipe.scenes)
        #expect(scenes.singles == 300 && scenes.pairs == 100 && scenes.sets == 50 && scenes.sequences == 50)
        #expect(scenes.setImages == 3...6 && scenes.sequenceFrames == 4...16)
        #expect(recipe.exports.map(\.format) == [.llava, .mantis])
        #expect(recipe.seed == 42)
    }

    @Test("every missing source path of a run's recipe is reported at once, each at its line; commands that only read a run do not ask")
    func missingSourcePaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = """
            sources:
              folders:
                - photos
                - path: fotos
              manifests:
                - {file: list.jsonl, image_root: photos}
              videos:
                - {folder: /nonexistent/clips, annotations: notes.json}
            """
        do {
            _ = try RecipeLoader.parse(yaml, file: "r.yaml", sourceFolder: folder)
            Issue.record("the missing paths were not reported")
        } catch let error as RecipeError {
            #expect(error.diagnostics.map(\.line) == [4, 6, 8, 8])
            #expect(error.diagnostics.map(\.path) == [
                "sources.folders[1].path", "sources.manifests[0].file", "sources.videos[0].folder", "sources.videos[0].annotations",
            ])
            #expect(error.diagnostics[0].message == "the folder does not exist: \(folder.path)/fotos")
            #expect(error.diagnostics[3].message.hasSuffix("/notes.json"))
        }
        // Without a folder to check against (status, export of an archived run), the same recipe loads.
        #expect(try RecipeLoader.parse(yaml, file: "r.yaml").collections.count == 3)
    }

    @Test("an unknown key is reported with its line and a suggestion")
    func unknownKey() {
        let found = diagnostics("""
            name: x
            seed: 1
            sources:
              scenes:
                singels: 3
            """)
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.message.contains("did you mean 'singles'") == true)
        #expect(found.first?.description.hasPrefix("r.yaml:5:") == true)
    }

    @Test("a value of the wrong type is reported with its line")
    func wrongType() {
        let found = diagnostics("""
            sources:
              scenes:
                pairs: many
            """)
        #expect(found.map(\.line) == [3])
        #expect(found.first?.message.contains("whole number") == true)
    }

    @Test("impossible settings fail before any work: zero objects, seven images in a pair, seven in a set")
    func impossibleSettings() {
        let found = diagnostics("""
            sources:
              scenes:
                pairs: {count: 10, images: 7}
                sets: {count: 5, images: {min: 3, max: 7}}
                objects: {min: 0, max: 4}
            """)
        #expect(found.contains { $0.line == 3 && $0.message.contains("exactly 2 images") })
        #expect(found.contains { $0.line == 4 && $0.message.contains("out of range") })
        #expect(found.contains { $0.line == 5 && $0.message.contains("out of range") })
    }

    @Test("min above max, an unknown domain and an unknown export format are each reported")
    func otherMistakes() {
        let found = diagnostics("""
            sources:
              scenes:
                labels: {min: 3, max: 1}
            stages:
              generate:
                domains: [counting, astrology]
            exports:
              - format: parquet
            """)
        #expect(found.contains { $0.line == 3 && $0.message.contains("larger than max") })
        #expect(found.contains { $0.line == 6 && $0.message.contains("'astrology' is not one of") })
        #expect(found.contains { $0.line == 8 && $0.message.contains("'parquet'") })
    }

    @Test("broken YAML is reported with its line")
    func brokenYAML() {
        let found = diagnostics("sources:\n  scenes:\n    singles: [1, 2\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("not valid YAML") == true)
        #expect((found.first?.line ?? 0) >= 3)
    }

    @Test("problems of the scene settings as a whole are reported at the scene source's line")
    func sceneCheck() {
        let yaml = "name: x\nsources:\n  scenes:\n    singles: 5\n    objects: {min: 10, max: 12}\n"
        do {
            _ = try RecipeLoader.parse(yaml, file: "r.yaml", sceneCheck: { source in
                source.objects.upperBound > 8 ? ["\(source.objects.upperBound) objects do not fit"] : []
            })
            Issue.record("the recipe was accepted")
        } catch let error as RecipeError {
            #expect(error.diagnostics.map(\.line) == [4])
            #expect(error.description.contains("sources.scenes: 12 objects do not fit"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("OCR settings: off by default, read when given, out-of-range or malformed values reported")
    func ocrSettings() throws {
        let base = "sources:\n  folders: [photos]\nstages:\n  ingest:\n"
        let defaults = try RecipeLoader.parse(base + "    ocr: true\n", file: "r.yaml")
        #expect(defaults.ingest.ocr && defaults.ingest.ocrMinConfidence == 50 && defaults.ingest.ocrLanguage == "eng")
        #expect(try !RecipeLoader.parse("sources:\n  folders: [photos]\n", file: "r.yaml").ingest.ocr)
        let given = try RecipeLoader.parse(
            base + "    ocr: true\n    ocr_min_confidence: 72.5\n    ocr_language: eng+chi_sim\n", file: "r.yaml")
        #expect(given.ingest.ocrMinConfidence == 72.5 && given.ingest.ocrLanguage == "eng+chi_sim")
        let found = diagnostics(base + "    ocr_min_confidence: 150\n    ocr_language: ../eng\n")
        #expect(found.map(\.path) == ["stages.ingest.ocr_min_confidence", "stages.ingest.ocr_language"])
        #expect(found.first?.message.contains("out of range") == true)
        #expect(found.last?.message.contains("not a tesseract language code") == true)
        for bad in ["", "eng+", "+eng", "eng deu", "eng/../x"] { #expect(!CollectionReader.isLanguageList(bad), "\(bad)") }
    }

    @Test("the OCR settings enter the ingest settings' encoding (the run's fingerprint) only when OCR is on")
    func ocrSettingsEncoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let off = String(decoding: try encoder.encode(IngestSettings(ocrLanguage: "deu")), as: UTF8.self)
        #expect(!off.contains("ocrLanguage") && !off.contains("ocrMinConfidence"))
        let on = IngestSettings(ocr: true, ocrMinConfidence: 80, ocrLanguage: "deu")
        #expect(try JSONDecoder().decode(IngestSettings.self, from: try encoder.encode(on)) == on)
        #expect(try JSONDecoder().decode(IngestSettings.self, from: Data(off.utf8)) == IngestSettings())
    }

    @Test("a recipe path that is missing, a folder or not UTF-8 text is named with what is wrong with it")
    func unreadableRecipePaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let latin1 = folder.appendingPathComponent("latin1.yaml")
        try Data("name: caf\u{E9}\n".data(using: .isoLatin1)!).write(to: latin1)
        let cases: [(URL, String)] = [
            (folder.appendingPathComponent("missing.yaml"), "there is no recipe file here"),
            (folder, "this is a folder; give the recipe's YAML file"),
            (latin1, "the recipe is not UTF-8 text"),
        ]
        for (url, message) in cases {
            let error = #expect(throws: LoomError.self) { try RecipeLoader.load(contentsOf: url) }
            #expect(error?.subject == url.path)
            #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
        }
    }

    @Test("the example recipes in examples/ load without a diagnostic")
    func examplesLoad() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        // Their sources are the user's own photos, videos and datasets, not in the repository.
        for name in ["quickstart.yaml", "my-photos.yaml", "datasets.yaml", "models.yaml", "videos.yaml"] {
            _ = try RecipeLoader.load(contentsOf: examples.appendingPathComponent(name), checksEnvironment: false)
        }
        let datasets = try RecipeLoader.load(contentsOf: examples.appendingPathComponent("datasets.yaml"), checksEnvironment: false)
        #expect(datasets.ground == GroundSettings(singles: true, pairs: 500, sets: 200, setImages: 3...4))
        let tasks = datasets.collections.compactMap { collection -> DatasetConversion.Task? in
            if case .dataset(let conversion) = collection { return conversion.task }
            return nil
        }
        #expect(tasks == [.statementPair, .imageDifference, .imageChoice])
    }

    @Test("a dataset with an unknown task or a set of 7 grounded images is refused with its line")
    func badDatasetAndGround() {
        let found = diagnostics("""
            name: bad
            sources:
              datasets:
                - file: rows.jsonl
                  task: captions
                  columns: {images: [a]}
            stages:
              ground: {sets: {count: 2, images: {min: 3, max: 7}}}
            """)
        #expect(found.contains { $0.message.contains("'captions' is not one of") && $0.line == 5 })
        #expect(found.contains { $0.path.hasPrefix("stages.ground.sets") })
    }

    @Test("the model example names its endpoint and every model stage")
    func modelExample() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        let recipe = try RecipeLoader.load(contentsOf: examples.appendingPathComponent("models.yaml"), checksEnvironment: false)
        #expect(recipe.models.map(\.name) == ["local"])
        #expect(recipe.models[0].maxConcurrency == 128)
        #expect(recipe.modelStages.questions?.types.count == 4)
        #expect(recipe.modelStages.multiVQA?.images == 2...4)
        #expect(recipe.modelStages.endpointNames.allSatisfy { $0 == "local" })
    }

    @Test("a price may name the prompt-cache price; without it there is none")
    func cachedInputPrice() throws {
        func endpoint(_ price: String) throws -> ModelEndpoint {
            try RecipeLoader.parse("""
                name: priced
                sources:
                  scenes: {singles: 2}
                models:
                  - name: a
                    base_url: http://127.0.0.1:8000/v1
                    model: m
                    price: \(price)
                """, file: "priced.yaml", environment: [:]).models[0]
        }
        let cached = try endpoint("{input: 2.5, output: 10, cached_input: 1.25}")
        #expect(cached.inputPrice == 2.5 && cached.outputPrice == 10 && cached.cachedInputPrice == 1.25)
        #expect(try endpoint("{input: 2.5, output: 10}").cachedInputPrice == nil)
        #expect(throws: RecipeError.self) { try endpoint("{input: 2.5, output: 10, cached_input: -1}") }
    }

    @Test("review.hourly_rate prices manual correction; without it, none")
    func reviewHourlyRate() throws {
        func review(_ yaml: String) throws -> ReviewRecipeSettings? {
            try RecipeLoader.parse("name: r\nsources:\n  scenes: {singles: 2}\n" + yaml, file: "r.yaml", environment: [:]).review
        }
        #expect(try review("review: {passes: 2, hourly_rate: 15}\n")?.hourlyRate == 15)
        #expect(try review("review: {passes: 2}\n")?.hourlyRate == nil)
        #expect(throws: RecipeError.self) { try review("review: {hourly_rate: -3}\n") }
    }

    @Test("YAML merge keys and x- anchors work; a tab and a repeated key are named as such")
    func yamlConveniencesAndMistakes() throws {
        let merged = try RecipeLoader.parse("""
            name: merged
            x-scenes: &scenes {singles: 2, pairs: 3}
            sources:
              scenes:
                <<: *scenes
                pairs: 1
            """, file: "merged.yaml", environment: [:])
        #expect(merged.scenes?.singles == 2)
        #expect(merged.scenes?.pairs == 1)  // the key written beside the merge wins
        let tab = try #require(throws: RecipeError.self) {
            try RecipeLoader.parse("name: t\nsources:\n\tscenes: {singles: 2}\n", file: "tab.yaml", environment: [:])
        }
        #expect(tab.description.contains("tab.yaml:3:1"))
        #expect(tab.description.contains("a tab character; YAML indents with spaces only"))
        let twice = try #require(throws: RecipeError.self) {
            try RecipeLoader.parse("name: a\nname: b\nsources:\n  scenes: {singles: 2}\n", file: "twice.yaml", environment: [:])
        }
        #expect(twice.description.contains("'name' is given twice in the same mapping"))
        #expect(!twice.description.contains("Context"))
        // Below the top, an x- key is still a mistake to report.
        #expect(throws: RecipeError.self) {
            try RecipeLoader.parse("name: n\nsources:\n  x-scenes: {singles: 2}\n  scenes: {singles: 2}\n", file: "n.yaml", environment: [:])
        }
    }

    @Test("cost_limit is read in dollars; without models, without prices or below zero it is refused with the reason")
    func costLimit() throws {
        func recipe(_ limit: String, models: String = "price: {input: 2.5, output: 10}") throws -> Recipe {
            let endpoints = models.isEmpty ? "" : "models:\n  - name: a\n    base_url: http://127.0.0.1:8000/v1\n    model: m\n    \(models)\n"
            return try RecipeLoader.parse(
                "name: limited\ncost_limit: \(limit)\nsources:\n  scenes: {singles: 2}\n" + endpoints,
                file: "limited.yaml", environment: [:])
        }
        #expect(try recipe("25.5").costLimit == 25.5)
        #expect(try RecipeLoader.parse("name: free\nsources:\n  scenes: {singles: 2}\n", file: "f.yaml", environment: [:]).costLimit == nil)
        let unpriced = try #require(throws: RecipeError.self) { try recipe("10", models: "concurrency: 4") }
        #expect(unpriced.description.contains("cost_limit needs prices"))
        #expect(unpriced.description.contains("limited.yaml:2"))
        let modelless = try #require(throws: RecipeError.self) { try recipe("10", models: "") }
        #expect(modelless.description.contains("names no 'models'"))
        #expect(throws: RecipeError.self) { try recipe("-1") }
        #expect(throws: RecipeError.self) { try recipe("ten dollars") }
    }

    @Test("model stages: an unknown endpoint, a missing key variable and a stage without images are refused with their lines")
    func badModels() throws {
        let text = """
            name: bad
            sources:
              scenes: {singles: 2}
            models:
              - name: a
                base_url: localhost:8000
                model: m
                api_key_env: LOOM_TEST_SURELY_UNSET_KEY
            stages:
              questions: {model: b}
            """
        let error = try #require(throws: RecipeError.self) {
            try RecipeLoader.parse(text, file: "bad.yaml", environment: [:])
        }
        let found = error.diagnostics
        #expect(found.contains { $0.message.contains("not an http:// or https:// URL") && $0.line == 6 })
        #expect(found.contains { $0.message.contains("LOOM_TEST_SURELY_UNSET_KEY") && $0.line == 8 })
        #expect(found.contains { $0.message.contains("no endpoint is named 'b'") && $0.line == 10 })
        // With those fixed, what is left is that questions are asked about the user's images, not scenes.
        let fixed = text.replacingOccurrences(of: "localhost:8000", with: "http://127.0.0.1:8000/v1")
            .replacingOccurrences(of: "{model: b}", with: "{model: a}")
        let remaining = try #require(throws: RecipeError.self) {
            try RecipeLoader.parse(fixed, file: "bad.yaml", environment: ["LOOM_TEST_SURELY_UNSET_KEY": "sk-x"])
        }
        #expect(remaining.diagnostics.map(\.message) == [
            "the questions stage works on your own images: add 'sources:' with 'folders', 'manifests' or 'coco'"
        ])
    }

    @Test("endpoint mistakes a user makes are named: a whole endpoint as base_url, a key in the recipe, a key or ${VAR} as api_key_env")
    func endpointMistakes() throws {
        func diagnostics(_ endpoint: String) throws -> [RecipeDiagnostic] {
            let text = """
                name: m
                sources:
                  folders: [{path: photos}]
                models:
                  - name: a
                    model: m
                \(endpoint)
                stages:
                  caption: {model: a}
                """
            let error = try #require(throws: RecipeError.self) {
                try RecipeLoader.parse(text, file: "m.yaml", environment: ["OPENAI_API_KEY": "sk-set"])
            }
            return error.diagnostics
        }
        let whole = try diagnostics("    base_url: https://api.openai.com/v1/chat/completions/")
        #expect(whole.map(\.message) == ["base_url is the API's base, without the endpoint Loom adds: use 'https://api.openai.com/v1'"])

        let inRecipe = try diagnostics("    base_url: http://127.0.0.1:8000/v1\n    api_key: sk-proj-abc123")
        #expect(inRecipe.count == 1 && inRecipe[0].message.contains("name that with api_key_env") && inRecipe[0].line == 8)
        #expect(!inRecipe[0].message.contains("sk-proj-abc123"))

        let pasted = try diagnostics("    base_url: http://127.0.0.1:8000/v1\n    api_key_env: sk-proj-abc123")
        #expect(pasted.count == 1 && pasted[0].message.contains("not the key itself"))
        #expect(!pasted[0].message.contains("sk-proj-abc123"))

        let shell = try diagnostics("    base_url: http://127.0.0.1:8000/v1\n    api_key_env: ${OPENAI_API_KEY}")
        #expect(shell.map(\.message) == ["api_key_env takes the variable's bare name: write 'OPENAI_API_KEY', not '${OPENAI_API_KEY}'"])
    }

    @Test("a misspelled optional key gets a suggestion, like a misspelled required one")
    func misspelledOptionalKey() {
        let found = diagnostics("""
            name: t
            sources:
              manifests:
                - file: list.jsonl
                  image_rot: photos
            """)
        #expect(found.contains { $0.message == "unknown key 'image_rot' (did you mean 'image_root'?)" && $0.line == 5 })
    }

    @Test("a recipe read only to find its run needs no API key in the environment")
    func readingWithoutKeys() throws {
        let text = """
            name: k
            sources:
              folders: [{path: photos}]
            models:
              - {name: a, base_url: "http://127.0.0.1:8000/v1", model: m, api_key_env: LOOM_TEST_SURELY_UNSET_KEY}
            stages:
              caption: {model: a}
            """
        #expect(throws: RecipeError.self) { try RecipeLoader.parse(text, file: "k.yaml", environment: [:]) }
        let recipe = try RecipeLoader.parse(text, file: "k.yaml", environment: nil)
        #expect(recipe.models.first?.apiKeyEnvironment == "LOOM_TEST_SURELY_UNSET_KEY")
    }

    @Test("a recipe without sources is refused")
    func noSources() {
        #expect(diagnostics("name: empty\n").contains { $0.message.contains("names no sources") })
    }
}
