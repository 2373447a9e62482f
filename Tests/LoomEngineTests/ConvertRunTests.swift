import Foundation
import LoomCore
import LoomEngine
import LoomStore
import Testing

@Suite("Conversion of existing datasets")
struct ConvertRunTests {
    /// Four photos and three datasets over them, each with rows that cannot be used.
    static func fixture() throws -> IngestFixture {
        let fixture = try IngestFixture(extraSources: """
              datasets:
                - file: data/pairs.jsonl
                  task: statement_pair
                  image_root: photos
                  columns: {images: [left, right], statement: sentence, label: label}
                - file: data/diffs.csv
                  task: image_difference
                  image_root: photos
                  columns: {images: [before, after], difference: diff}
                - file: data/choice.json
                  task: image_choice
                  image_root: photos
                  label_base: 1
                  columns: {images: pictures, caption: caption, label: answer}
            """)
        for (index, name) in ["a.jpg", "b.jpg", "c.jpg", "d.jpg"].enumerated() {
            try fixture.write(try IngestFixture.jpeg(seed: UInt64(40 + index)), as: name)
        }
        let data = fixture.folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var lines: [String] = []
        for index in 0..<8 {
            let (left, right) = index.isMultiple(of: 2) ? ("a.jpg", "b.jpg") : ("c.jpg", "d.jpg")
            lines.append(#"{"left": "\#(left)", "right": "\#(right)", "sentence": "Statement number \#(index) holds.", "label": "\#(index % 3 == 0 ? "False" : "True")"}"#)
        }
        lines.append(#"{"left": "a.jpg", "right": "b.jpg", "sentence": "Unclear.", "label": "maybe"}"#)
        lines.append("this line is not JSON")
        lines.append(#"{"left": "a.jpg", "right": "nowhere.jpg", "sentence": "The image is missing.", "label": "True"}"#)
        try lines.joined(separator: "\n").write(to: data.appendingPathComponent("pairs.jsonl"), atomically: true, encoding: .utf8)
        try """
            before,after,diff
            a.jpg,b.jpg,"The second image has more objects, and a different background."
            c.jpg,d.jpg,"Everything changed: shapes, colours and layout."
            c.jpg,,"No second image."
            """.write(to: data.appendingPathComponent("diffs.csv"), atomically: true, encoding: .utf8)
        try """
            {"data": [
              {"pictures": ["a.jpg", "b.jpg", "c.jpg"], "caption": "the third picture", "answer": 3},
              {"pictures": ["b.jpg", "c.jpg", "d.jpg", "a.jpg"], "caption": "the first picture", "answer": 1},
              {"pictures": ["a.jpg", "b.jpg"], "caption": "no such answer", "answer": 7}
            ]}
            """.write(to: data.appendingPathComponent("choice.json"), atomically: true, encoding: .utf8)
        return fixture
    }

    @Test("statement pairs, differences and image choices become checked multi-image records; bad rows are recorded")
    func convertsThreeDatasets() async throws {
        let fixture = try Self.fixture()
        let summary = try await fixture.runner().run()
        #expect(summary.convert?.rows == 8 + 2 + 2)
        #expect(summary.convert?.rejected == 5)
        #expect(summary.flaggedRecords == 0)
        #expect(summary.ingest?.images == 4)
        #expect(summary.ingest?.problems["exact copy (ingested once)"] == nil, "the same file named twice is not a copy")

        let store = try RunStore(directory: fixture.runDirectory)
        var idByName: [String: String] = [:]
        try store.forEachImage { idByName[String($0.sourcePath.split(separator: "/").last!)] = $0.id }
        var optionOrders: Set<[String]> = []
        var byTask: [String: Int] = [:]
        try store.forEachRecord { record, _ in
            let task = String(record.provenance.template.split(separator: ":")[0])
            byTask[task, default: 0] += 1
            #expect(record.provenance.generator == "converter")
            switch task {
            case "statement_pair":
                let options = try #require(record.options)
                optionOrders.insert(options)
                let chosen = options[optionLetters.firstIndex(of: record.turns[1].text)!]
                let text = record.turns[0].text
                let after = try #require(text.range(of: "Statement number ")).upperBound
                let number = try #require(Int(text[after...].prefix { $0.isNumber }))
                #expect(chosen == (number % 3 == 0 ? "False" : "True"), "the answer keeps the dataset's label")
                #expect(record.skill == .reasoning && record.media.count == 2)
            case "image_difference":
                #expect(record.type == .shortVQA, "a one-line difference is a short answer")
                #expect(record.turns[1].text.hasPrefix("The second image has") || record.turns[1].text.hasPrefix("Everything changed"))
            case "image_choice":
                let key = try #require(record.answerKey)
                let shown = record.media[optionLetters.firstIndex(of: key)!]
                let wanted = record.turns[0].text.contains("third") ? idByName["c.jpg"] : idByName["b.jpg"]
                #expect(shown == wanted, "the answer letter points at the image the dataset names")
            default:
                Issue.record("unexpected template \(record.provenance.template)")
            }
        }
        #expect(byTask == ["statement_pair": 8, "image_difference": 2, "image_choice": 2])
        #expect(optionOrders.count == 2, "True and False are shown in both orders")

        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let rows = status.inputProblems.first { $0.category == "dataset row not usable" }
        #expect(rows?.count == 5)
        let reasons = try store.rejections(stage: "convert").flatMap(\.items).map { "\($0.subject): \($0.reason)" }
            .joined(separator: "\n")
        #expect(reasons.contains("pairs.jsonl:9") && reasons.contains("maybe"))
        #expect(reasons.contains("pairs.jsonl:10") && reasons.contains("not JSON"))
        #expect(reasons.contains("nowhere.jpg"))
        #expect(reasons.contains("diffs.csv:4"))
        #expect(reasons.contains("choice.json[2]") && reasons.contains("label 7"))
    }

    @Test("running a converted recipe again redoes nothing and changes nothing")
    func rerunIsANoOp() async throws {
        let fixture = try Self.fixture()
        let first = try await fixture.runner().run()
        let second = try await fixture.runner().run()
        #expect(second.convert?.madeNow == 0)
        #expect(second.convert?.rows == first.convert?.rows)
        #expect(second.contentHash == first.contentHash)
    }

    @Test("a recipe whose dataset lacks a column its task needs is refused before any work")
    func missingColumnIsARecipeError() throws {
        let fixture = try IngestFixture(extraSources: """
              datasets:
                - file: pairs.jsonl
                  task: statement_pair
                  columns: {images: [left, right], label: label}
            """)
        #expect {
            try fixture.recipe()
        } throws: { error in
            "\(error)".contains("statement") && "\(error)".contains("recipe.yaml:")
        }
    }
}
