import Foundation
import LoomCore
import LoomMedia
import LoomStore

@testable import LoomExport

/// A small run written by hand: six records over five tiny PNGs, covering one image shared by two records, a
/// flagged record, an image pair, a two-exchange conversation and text that needs escaping.
struct ExportFixture {
    let runDirectory: URL
    let store: RunStore

    static let timestamp = "2026-01-02T03:04:05Z"

    init(missingImage: Bool = false) throws {
        runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runDirectory.appendingPathComponent("media"), withIntermediateDirectories: true)
        store = try RunStore(directory: runDirectory)
        var media: [MediaItem] = []
        for index in 1...5 {
            let image = RGBImage(width: 4, height: 3, pixels: (0..<36).map { UInt8(($0 * 7 + index * 40) % 256) })
            let id = "m\(index)"
            let path = "media/\(id).png"
            if !(missingImage && index == 5) {
                try Data(try ImageEncoder.encodePNG(image)).write(to: runDirectory.appendingPathComponent(path))
            }
            media.append(MediaItem(id: id, kind: .image, path: path, format: "png", width: 4, height: 3))
        }
        try store.commit([StoreWrite(media: media, records: Self.records)])
    }

    static let records: [Record] = [
        record("rec-1", sample: "smp-1", media: ["m1"], ["<image>\nHow many cubes are there?", "There are 3 cubes."]),
        record("rec-2", sample: "smp-1", media: ["m1"], ["<image>\nIs the sphere red?\nAnswer yes or no.", "Yes"], type: .judgement),
        record(
            "rec-3", sample: "smp-2", media: ["m2"], ["<image>\nWhat is written on the sign?", "It says \"STOP\"."],
            flagged: true),
        record(
            "rec-4", sample: "smp-3", media: ["m3", "m4"],
            ["Image 1: <image>\nImage 2: <image>\nWhat changed between image 1 and image 2?", "A red cube was added in image 2."],
            type: .shortVQA, domain: "image_comparison", skill: .comparison),
        record(
            "rec-5", sample: "smp-4", media: ["m5"],
            ["<image>\nDescribe the scene.", "A blue sphere sits left of a cube.", "What colour is the cube?", "Green."],
            type: .multiRound, domain: "multi_round"),
        record(
            "rec-6", sample: "smp-4", media: ["m5"],
            ["<image>\nQuote: \"a\\b\"\ttab — é 日本 </script>", "Line one\nline two \u{2028} done."],
            type: .longVQA, domain: "ocr"),
    ]

    static func record(
        _ id: String, sample: String, media: [String], _ texts: [String], type: QuestionType = .shortVQA,
        domain: Domain = "counting", skill: Skill? = nil, flagged: Bool = false
    ) -> Record {
        Record(
            id: id, sampleID: sample, media: media,
            turns: texts.enumerated().map { Turn(role: $0.offset.isMultiple(of: 2) ? .user : .assistant, text: $0.element) },
            type: type, domain: domain, skill: skill, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "templates", template: "t", phrasing: 0, seed: 1),
            flags: flagged ? [QualityFlag(code: "text.empty", reason: "test")] : [])
    }

    func export(_ format: ExportFormat, options: ExportOptions = ExportOptions(timestamp: timestamp)) throws -> (ExportSummary, URL) {
        let folder = runDirectory.appendingPathComponent("export-\(format.rawValue)-\(UUID().uuidString)")
        return (try ExportWriter(store: store, runDirectory: runDirectory).export(format, to: folder, options: options), folder)
    }
}
