import Foundation
import LoomEngine
import LoomExport
import LoomGenerate
import LoomRecipe
import Testing

/// The exports match `FORMATS.md`: checked by parsing them as plain JSON, not with Loom's own types.
@Suite("Export formats")
struct ExportFormatTests {
    private static func run() async throws -> (RunSummary, URL) {
        let fixture = try RunFixture(singles: 6, pairs: 3, sets: 2, sequences: 2)
        return (try await fixture.runner().run(), fixture.runDirectory)
    }

    private func load(_ url: URL) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
    }

    @Test("LLaVA: one image, one <image> in the first human turn, alternating human/gpt, files exist")
    func llava() async throws {
        let (summary, _) = try await Self.run()
        let file = URL(fileURLWithPath: summary.exports[0].file)
        let rows = try load(file)
        #expect(rows.count == summary.exports[0].records && !rows.isEmpty)
        for row in rows {
            #expect(Set(row.keys) == ["id", "image", "conversations"])
            let image = try #require(row["image"] as? String)
            #expect(!image.hasPrefix("/"))
            #expect(FileManager.default.fileExists(atPath: file.deletingLastPathComponent().appendingPathComponent(image).path))
            let turns = try #require(row["conversations"] as? [[String: String]])
            #expect(turns.enumerated().allSatisfy { $0.element["from"] == ($0.offset.isMultiple(of: 2) ? "human" : "gpt") })
            #expect(turns[0]["value"]!.hasPrefix("<image>\n"))
            let placeholders = turns.map { $0["value"]!.components(separatedBy: "<image>").count - 1 }.reduce(0, +)
            #expect(placeholders == 1)
        }
    }

    @Test("Mantis: images relative to the JSON file, as many <image> as images, never more")
    func mantis() async throws {
        let (summary, _) = try await Self.run()
        let file = URL(fileURLWithPath: summary.exports[1].file)
        let rows = try load(file)
        #expect(rows.count == summary.exports[1].records && !rows.isEmpty)
        for row in rows {
            #expect(Set(row.keys) == ["id", "images", "conversations"])
            let images = try #require(row["images"] as? [String])
            #expect(images.count >= 2)
            for image in images {
                #expect(!image.hasPrefix("/"))
                #expect(FileManager.default.fileExists(atPath: file.deletingLastPathComponent().appendingPathComponent(image).path))
            }
            let turns = try #require(row["conversations"] as? [[String: String]])
            let placeholders = turns.map { $0["value"]!.components(separatedBy: "<image>").count - 1 }.reduce(0, +)
            #expect(placeholders == images.count)
            #expect(turns[0]["from"] == "human" && turns[1]["from"] == "gpt")
        }
    }
}

/// `loom run` writes every export a recipe names, with its options.
@Suite("Recipe exports")
struct RecipeExportTests {
    @Test("a recipe naming every format, split and budgeted, writes them all with `loom run`")
    func everyFormat() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-exports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A one-merge BPE tokenizer beside the recipe, named by a relative path.
        try Data(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Whitespace"}}"#.utf8)
            .write(to: folder.appendingPathComponent("tokenizer.json"))
        let formats = ExportFormat.allCases.map(\.rawValue)
        let exports = formats.map { format in
            """
              - format: \(format)
                path: export/\(format)
                images: hardlink
                split: {train: 0.8, validation: 0.2}
                budget: {preset: mantis, tokenizer: tokenizer.json}
                shard: {records: 20}
            """
        }.joined(separator: "\n")
        let recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: every-format
            seed: 3
            output: run
            sources:
              scenes:
                singles: 6
                pairs: 2
                sets: {count: 1, images: {min: 3, max: 3}}
                sequences: {count: 1, frames: {min: 4, max: 4}}
                image: {width: 192, height: 144}
            exports:
            \(exports)
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
        let recipe = try RecipeLoader.load(contentsOf: recipeURL)
        let summary = try await RecipeRunner(recipe: recipe, recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(), threads: 2).run()
        #expect(summary.exports.map(\.format.rawValue) == formats)
        for export in summary.exports {
            #expect(export.records > 0, "\(export.format)")
            #expect(export.splits.map(\.name) == ["train", "validation"], "\(export.format)")
            for file in export.files {
                #expect(FileManager.default.fileExists(atPath: export.folder + "/" + file), "\(export.format): \(file)")
            }
        }
    }
}
