import Foundation
import LoomCore
import LoomMedia
import LoomStore
import Testing

@testable import LoomExport

@Suite("Selection and splits")
struct SelectionAndSplitTests {
    private func ids(_ folder: URL, _ file: String = "data.json") throws -> [String] {
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file))) as? [[String: Any]])
        return rows.compactMap { $0["id"] as? String }
    }

    @Test("flagged records are left out by default, kept with include, alone with only")
    func flags() throws {
        let fixture = try ExportFixture()
        let (excluded, folder) = try fixture.export(.mantis, options: ExportOptions(selection: RecordSelection(media: .any)))
        #expect(try ids(folder) == ["rec-1", "rec-2", "rec-4", "rec-5", "rec-6"])
        #expect(excluded.skippedFlagged == 1)
        let (_, included) = try fixture.export(.mantis, options: ExportOptions(selection: RecordSelection(flags: .include, media: .any)))
        #expect(try ids(included).count == 6)
        let (_, only) = try fixture.export(.mantis, options: ExportOptions(selection: RecordSelection(flags: .only, media: .any)))
        #expect(try ids(only) == ["rec-3"])
    }

    @Test("domain, type and skill filters select in SQL")
    func filters() throws {
        let fixture = try ExportFixture()
        let (_, byDomain) = try fixture.export(.mantis, options: ExportOptions(selection: RecordSelection(media: .any, domains: ["counting"])))
        #expect(try ids(byDomain) == ["rec-1", "rec-2"])
        let (_, byType) = try fixture.export(.mantis, options: ExportOptions(selection: RecordSelection(media: .any, types: ["judgement", "multi_round"])))
        #expect(try ids(byType) == ["rec-2", "rec-5"])
        let (_, bySkill) = try fixture.export(.mantis, options: ExportOptions(selection: RecordSelection(skills: ["comparison"])))
        #expect(try ids(bySkill) == ["rec-4"])
    }

    @Test("LLaVA takes single-image records and Mantis multi-image ones unless the selection says otherwise")
    func formatDefaults() throws {
        let fixture = try ExportFixture()
        let (_, llava) = try fixture.export(.llava, options: ExportOptions(selection: RecordSelection(media: .multiple)))
        #expect(try ids(llava) == ["rec-1", "rec-2", "rec-5", "rec-6"])
        let (_, mantis) = try fixture.export(.mantis)
        #expect(try ids(mantis) == ["rec-4"])
    }

    /// 240 records over 90 images: records share images, pairs join images, and some images are ingest
    /// near-duplicates of others.
    private func largeStore() throws -> (RunStore, URL, [(String, String)]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try RunStore(directory: directory)
        var generator = SeededGenerator(seed: 7)
        let media = (0..<90).map { MediaItem(id: String(format: "img%03d", $0), kind: .image, path: "media/img\(String(format: "%03d", $0)).png", format: "png", width: 4, height: 3) }
        var records: [Record] = []
        for index in 0..<240 {
            let count = index % 5 == 0 ? 2 : 1
            let chosen = (0..<count).map { _ in media[Int.random(in: 0..<90, using: &generator)].id }
            let prefix = Record.mediaPrefix(count: count, kind: count == 1 ? .single : .pair)
            records.append(ExportFixture.record(String(format: "rec-%04d", index), sample: "smp-\(index)", media: chosen, [prefix + "Q\(index)?", "A\(index)."]))
        }
        let duplicates = (0..<10).map { (String(format: "img%03d", 80 + $0), String(format: "img%03d", $0 * 3)) }
        let images = duplicates.map { pair in
            IngestedImage(
                id: pair.0, ordinal: 0, sourcePath: pair.0, origin: "test", format: "png", width: 4, height: 3, perceptualHash: 0,
                duplicateOf: pair.1, thumbnail: "", annotations: ImageAnnotations())
        }
        try store.commit([StoreWrite(media: media, records: records, images: images)])
        return (store, directory, duplicates)
    }

    @Test("no image, and no near-duplicate image, is in two splits; the same seed gives the same splits")
    func imageDisjointSplits() throws {
        let (store, directory, duplicates) = try largeStore()
        let plan = try SplitPlan.parse("train=0.8,validation=0.1,test=0.1", seed: 3)
        func split() throws -> [String: Set<String>] {
            let folder = directory.appendingPathComponent("out-\(UUID().uuidString)")
            let summary = try ExportWriter(store: store, runDirectory: directory, copyImages: false).export(
                .mantis, to: folder, options: ExportOptions(selection: RecordSelection(media: .any), splits: plan))
            #expect(summary.records == 240)
            // Whole groups are dealt out by deficit, so the shares come close to the plan's.
            let train = summary.splits.first { $0.name == "train" }!.records
            #expect((180...204).contains(train), "train has \(train) of 240 records")
            var imagesBySplit: [String: Set<String>] = [:]
            for name in ["train", "validation", "test"] {
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("\(name).json"))) as? [[String: Any]])
                imagesBySplit[name] = Set(rows.flatMap { ($0["images"] as? [String]) ?? [] })
            }
            return imagesBySplit
        }
        let first = try split()
        #expect(first["train"]!.intersection(first["validation"]!).isEmpty)
        #expect(first["train"]!.intersection(first["test"]!).isEmpty)
        #expect(first["validation"]!.intersection(first["test"]!).isEmpty)
        #expect(first.values.allSatisfy { !$0.isEmpty })
        for (duplicate, original) in duplicates {
            let a = first.first { $0.value.contains("images/\(duplicate).png") }?.key
            let b = first.first { $0.value.contains("images/\(original).png") }?.key
            if let a, let b { #expect(a == b, "near-duplicate \(duplicate) and \(original) are in \(a) and \(b)") }
        }
        #expect(try split() == first)
    }

    @Test("a split that gets no records writes no file, and LLaMA-Factory's dataset_info names only the others")
    func emptySplits() throws {
        let fixture = try ExportFixture()
        let plan = try SplitPlan.parse("a=0.25,b=0.25,c=0.25,d=0.25")
        let (summary, folder) = try fixture.export(.llamafactory, options: ExportOptions(selection: RecordSelection(media: .single), splits: plan, timestamp: ExportFixture.timestamp))
        let written = summary.splits.filter { $0.records > 0 }.map(\.name)
        #expect(written.count == 2 && summary.records == 4)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == (written.map { "\($0).json" } + ["dataset_info.json"]).sorted())
        let info = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("dataset_info.json"))) as? [String: Any])
        #expect(Set(info.keys) == Set(written.map { "loom_\($0)" }))
    }

    @Test("a mantis-hf export whose splits Mantis's data config cannot name (validation) says to name them train, val, test")
    func mantisSplitNames() throws {
        let fixture = try ExportFixture()
        let odd = try SplitPlan.parse("train=0.5,validation=0.5")
        let (summary, _) = try fixture.export(.mantisHF, options: ExportOptions(splits: odd, timestamp: ExportFixture.timestamp))
        #expect(summary.warnings.contains { $0.contains("train, val and test") && $0.contains("validation") && $0.contains("--split train=0.95,val=0.05") })
        let plain = try SplitPlan.parse("train=0.5,val=0.5")
        let (named, _) = try fixture.export(.mantisHF, options: ExportOptions(splits: plain, timestamp: ExportFixture.timestamp))
        #expect(!named.warnings.contains { $0.contains("train, val and test") })
        // Other formats' trainers take any split name.
        let (llava, _) = try fixture.export(.llava, options: ExportOptions(splits: odd, timestamp: ExportFixture.timestamp))
        #expect(!llava.warnings.contains { $0.contains("train, val and test") })
    }

    @Test("split plans must name plain splits whose shares add up to 1")
    func planValidation() throws {
        #expect(throws: LoomError.self) { try SplitPlan.parse("train=0.9,validation=0.2") }
        #expect(throws: LoomError.self) { try SplitPlan.parse("train=0.5,train=0.5") }
        #expect(throws: LoomError.self) { try SplitPlan.parse("Train Set=1") }
        #expect(throws: LoomError.self) { try SplitPlan.parse("train") }
        #expect(try SplitPlan.parse("train=0.9, validation=0.1").splits.map(\.name) == ["train", "validation"])
    }
}
