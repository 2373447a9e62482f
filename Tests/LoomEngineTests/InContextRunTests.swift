import Foundation
import LoomCore
import LoomEngine
import LoomExport
import LoomLinking
import LoomRecipe
import LoomStore
import Testing

@Suite("In-context linking in a run and in the MIMIC-IT export")
struct InContextRunTests {
    /// A run whose recipe links by text similarity.
    static func linkedRun(strategy: String = "text") async throws -> (RunFixture, RunStore, RunSummary) {
        let fixture = try RunFixture(singles: 12, pairs: 4, sets: 2, sequences: 2)
        let recipe = try fixture.adding("stages:\n  in_context: {strategy: \(strategy), k: 3, example_share: 0.25}\n")
        let summary = try await fixture.runner(recipe: recipe).run()
        return (fixture, try RunStore(directory: fixture.runDirectory), summary)
    }

    static func storedLinks(_ store: RunStore) throws -> [StoredInContextLink] {
        var links: [StoredInContextLink] = []
        try store.forEachInContextLink { links.append($0) }
        return links
    }

    @Test("stages.in_context stores a role for every record, examples that are examples, and reruns only on change")
    func runStoresLinks() async throws {
        let (fixture, store, summary) = try await Self.linkedRun()
        let inContext = try #require(summary.inContext)
        #expect(inContext.ranNow)
        #expect(inContext.queries + inContext.examples == summary.records - summary.flaggedRecords)
        #expect(inContext.linkedQueries > inContext.queries / 2)
        let links = try Self.storedLinks(store)
        let roles = Dictionary(uniqueKeysWithValues: links.map { ($0.recordID, $0.role) })
        for link in links {
            #expect(link.examples.count <= 3)
            if !link.isQuery { #expect(link.examples.isEmpty) }
            for example in link.examples { #expect(roles[example] == "example") }
        }
        // The same records and settings: nothing to do.
        let again = try await fixture.runner(recipe: try RecipeLoader.load(contentsOf: fixture.recipeURL)).run()
        #expect(again.inContext?.ranNow == false)
        #expect(try Self.storedLinks(store) == links)
        // Other settings: the links are made again.
        let siblings = try await InContextStage.link(store: store, runDirectory: fixture.runDirectory, settings: LinkSettings(strategy: .siblings, k: 2), threads: 2)
        #expect(siblings.ranNow)
        #expect(try Self.storedLinks(store) != links)
    }

    @Test("image links hash every drawn image once, keep the rules, and rerun only on change")
    func imageStrategy() async throws {
        let (fixture, store, summary) = try await Self.linkedRun(strategy: "image")
        let inContext = try #require(summary.inContext)
        #expect(inContext.strategy == "image" && inContext.unhashedMedia == 0)
        #expect(inContext.linkedQueries > 0)
        var mediaCount = 0
        try store.forEachMediaPath { _ in mediaCount += 1 }
        #expect(try store.mediaHashes().count == mediaCount)
        let links = try Self.storedLinks(store)
        let roles = Dictionary(uniqueKeysWithValues: links.map { ($0.recordID, $0.role) })
        for link in links { for example in link.examples { #expect(roles[example] == "example") } }
        let again = try await fixture.runner(recipe: try RecipeLoader.load(contentsOf: fixture.recipeURL)).run()
        #expect(again.inContext?.ranNow == false)
    }

    @Test("a linked MIMIC-IT export resolves every id even when a filter leaves examples out")
    func linkedExportResolves() async throws {
        let (fixture, store, _) = try await Self.linkedRun()
        for selection in [RecordSelection(), RecordSelection(domains: ["counting", "attribute_recognition"])] {
            let folder = fixture.folder.appendingPathComponent("mimicit-\(UUID().uuidString)")
            let summary = try ExportWriter(store: store, runDirectory: fixture.runDirectory)
                .export(.mimicit, to: folder, options: ExportOptions(selection: selection))
            #expect(summary.records > 0)
            let instructions = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_instructions.json"))) as? [String: Any])
            let data = try #require(instructions["data"] as? [String: [String: Any]])
            let train = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_train.json"))) as? [String: [String]])
            let examples = Set(train.values.flatMap { $0 })
            #expect(!examples.isEmpty)
            for id in examples { #expect(data[id] != nil, "example \(id) is not an instruction") }
            let recordOf = data.mapValues { $0["loom_id"] as? String ?? "" }
            // A query is another query's example only as an earlier exchange of the same record, and those close
            // the examples, in order: the later exchange is trained on its own conversation so far.
            for (query, ids) in train {
                let history = ids.filter { recordOf[$0] == recordOf[query] }
                #expect(Array(ids.suffix(history.count)) == history && history == history.sorted())
                #expect(history.allSatisfy { $0 < query })
                #expect(ids.filter { train[$0] != nil }.allSatisfy { history.contains($0) })
            }
            for (id, entry) in data {
                for related in entry["rel_ins_ids"] as? [String] ?? [] { #expect(data[related] != nil, "\(id) relates to missing \(related)") }
            }
            // Queries' examples are what the store linked (the ones in this file), then their conversation so far.
            for (query, ids) in train {
                let link = try #require(try store.inContextLink(recordOf[query]!))
                #expect(link.isQuery)
                #expect(Set(ids.map { recordOf[$0]! }).isSubset(of: Set(link.examples + [recordOf[query]!])))
            }
            // No scratch file is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".spill") }.isEmpty)
        }
    }
}

extension InContextRunTests {
    @Test("inlined examples come before their query with their images, from the query's own split only")
    func inlinedExamplesInMantis() async throws {
        let (fixture, store, _) = try await Self.linkedRun()
        let links = Dictionary(uniqueKeysWithValues: try Self.storedLinks(store).map { ($0.recordID, $0) })
        var options = ExportOptions(splits: try SplitPlan.parse("train=0.8,validation=0.2", seed: 5))
        options.inContextExamples = 2
        let folder = fixture.folder.appendingPathComponent("mantis-inline")
        let summary = try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.mantis, to: folder, options: options)
        #expect(summary.inlinedQueries > 0)
        var splitOfImage: [String: String] = [:]
        var inlined = 0
        for split in summary.splits where split.records > 0 {
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("\(split.name).json"))) as? [[String: Any]])
            for row in rows {
                let id = try #require(row["id"] as? String)
                let images = row["images"] as? [String] ?? []
                let turns = row["conversations"] as? [[String: String]] ?? []
                let placeholders = turns.map { TextSearch.count(of: "<image>", in: $0["value"] ?? "") }.reduce(0, +)
                #expect(placeholders == images.count, "record \(id)")
                for image in images {
                    // No image is in two splits, inlined examples included.
                    #expect(splitOfImage.updateValue(split.name, forKey: image).map { $0 == split.name } ?? true)
                }
                let own = try #require(try store.exportRows(ids: [id]).first)
                if turns.count > own.turns.count {
                    inlined += 1
                    let link = try #require(links[id])
                    #expect(link.isQuery)
                    // The query's own exchange comes last.
                    #expect(turns.last?["value"] == own.turns.last?.text)
                    #expect((turns.count - own.turns.count) / 2 <= 2 * 5)
                }
            }
        }
        #expect(inlined == summary.inlinedQueries)
        // LLaVA cannot carry several images: refused with the formats that can.
        var llava = ExportOptions()
        llava.inContextExamples = 1
        #expect(throws: LoomError.self) {
            try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.llava, to: fixture.folder.appendingPathComponent("x"), options: llava)
        }
    }
}
