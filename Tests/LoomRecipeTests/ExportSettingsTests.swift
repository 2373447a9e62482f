import Foundation
import LoomCore
import LoomExport
import Testing

@testable import LoomRecipe

@Suite("Export settings in recipes")
struct ExportSettingsTests {
    private let header = """
        name: x
        seed: 9
        sources:
          scenes:
            singles: 2
        """

    @Test("every export option reads into the export's options")
    func fullExport() throws {
        let recipe = try RecipeLoader.parse(header + """

            exports:
              - format: llamafactory
                path: out/lf
                images: hardlink
                image_size: 448
                image_format: jpeg
                select: {flags: include, domains: [counting], types: [judgement, short_vqa], skills: [comparison], languages: [en], media: multiple}
                split: {train: 0.9, validation: 0.1}
                budget: {preset: idefics2, context: 4096, overflow: drop}
                shard: {records: 50, bytes: 1000000}
                prefix: SD
                images_table: json
                name: my_data
                license: cc-by-4.0
            """, file: "r.yaml")
        let spec = try #require(recipe.exports.first)
        #expect(spec.format == .llamafactory && spec.path == "out/lf")
        let options = spec.options
        #expect(options.images == ImageOptions(placement: .hardlink, maxSide: 448, encoding: .jpeg))
        #expect(options.selection.flags == .include && options.selection.domains == ["counting"])
        #expect(options.selection.types == ["judgement", "short_vqa"] && options.selection.skills == ["comparison"])
        #expect(options.selection.media == .multiple)
        #expect(options.splits?.splits.map(\.name) == ["train", "validation"] && options.splits?.seed == 9)
        #expect(options.budget == TokenBudget(imageTokens: 64, contextLimit: 4096, overflow: .drop))
        #expect(options.shardRecords == 50 && options.shardBytes == 1_000_000)
        #expect(options.mimicitPrefix == "SD" && options.datasetName == "my_data" && options.license == "cc-by-4.0")
        #expect(options.mimicitImages == .json)
    }

    @Test("bad export settings are reported with their place in the recipe")
    func badSettings() {
        do {
            _ = try RecipeLoader.parse(header + """

                exports:
                  - format: parquet
                  - format: trl
                    images: move
                    split: {train: 0.7, test: 0.2}
                    budget: {preset: gpt5}
                    prefix: "S D"
                    images_table: csv
                """, file: "r.yaml")
            Issue.record("the recipe should not load")
        } catch let error as RecipeError {
            let messages = error.diagnostics.map { "\($0.path): \($0.message)" }
            #expect(messages.contains { $0.hasPrefix("exports[0].format") && $0.contains("'parquet' is not one of") })
            #expect(messages.contains { $0.hasPrefix("exports[1].images") && $0.contains("'move'") })
            #expect(messages.contains { $0.hasPrefix("exports[1].split") && $0.contains("add up to") })
            #expect(messages.contains { $0.hasPrefix("exports[1].budget.preset") })
            #expect(messages.contains { $0.hasPrefix("exports[1].prefix") })
            #expect(messages.contains { $0.hasPrefix("exports[1].images_table") && $0.contains("'csv'") })
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("two exports into one folder are a recipe error naming both: they run side by side and would overwrite each other")
    func twoExportsIntoOneFolder() {
        do {
            _ = try RecipeLoader.parse(header + """

                exports:
                  - format: llava
                  - format: mantis
                    path: out/both
                  - format: llava
                  - format: trl
                    path: ./out/../out/both
                """, file: "r.yaml")
            Issue.record("the recipe should not load")
        } catch let error as RecipeError {
            let messages = error.diagnostics.map { "\($0.path): \($0.message)" }
            #expect(messages.count == 2)
            #expect(messages.contains { $0.hasPrefix("exports[2].path") && $0.contains("exports[0] already writes into 'export/llava'") })
            #expect(messages.contains { $0.hasPrefix("exports[3].path") && $0.contains("exports[1] already writes") })
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
