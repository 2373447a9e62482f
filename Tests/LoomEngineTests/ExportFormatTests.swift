import Foundation
import LoomEngine
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
