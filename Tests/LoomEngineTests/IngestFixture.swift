import Foundation
import LoomCore
import LoomEngine
import LoomGenerate
import LoomMedia
import LoomRecipe
import LoomScenes

/// A folder of real image files, good and bad, with a recipe that ingests it.
struct IngestFixture {
    let folder: URL
    let images: URL
    let recipeURL: URL

    /// `extraSources` is YAML under `sources:` (indented two spaces); `ingest` adds settings under
    /// `stages.ingest`, one "key: value" each.
    init(extraSources: String = "", ingest: [String] = [], batchSize: Int = 3) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-ingest-\(UUID().uuidString)")
        images = folder.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: ingest-fixture
            seed: 3
            output: run
            sources:
              folders:
                - path: photos
            \(extraSources)
            stages:
              ingest:
                longest_side: 256
                thumbnail_side: 64\(ingest.map { "\n    \($0)" }.joined())
            store:
              batch_size: \(batchSize)
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
    }

    var runDirectory: URL { folder.appendingPathComponent("run") }

    func recipe() throws -> Recipe { try RecipeLoader.load(contentsOf: recipeURL) }

    func runner(faults: FaultPlan = FaultPlan()) throws -> RecipeRunner {
        RecipeRunner(recipe: try recipe(), recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(), faults: faults, threads: 2)
    }

    /// Writes `bytes` under the photos folder (creating subfolders).
    @discardableResult
    func write(_ bytes: [UInt8], as name: String) throws -> URL {
        let url = images.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url
    }

    /// A drawn scene of 640×480 (seeded), a stand-in for a photograph with real structure.
    static func picture(seed: UInt64) throws -> PixelBuffer {
        var settings = SceneSettings()
        settings.width = 640
        settings.height = 480
        var rng = SeededGenerator(seed: seed)
        return try SceneRenderer.render(SceneComposer.single(settings, rng: &rng))
    }

    /// Dark text on plain white signs, one sign per text stacked down the middle of a plain white `width`×`height`
    /// picture, drawn by the scenes' sign painter; the signs say where each text is.
    static func textPicture(_ texts: [String], width: Int, height: Int) throws -> (image: PixelBuffer, signs: [TextLabel]) {
        let row = Double(height) / Double(texts.count)
        let signs = texts.enumerated().map { index, text in
            TextLabel(
                id: index, text: text, signColor: "white",
                box: Box(x: 0.1 * Double(width), y: (Double(index) + 0.25) * row, width: 0.8 * Double(width), height: 0.5 * row))
        }
        let scene = SceneTruth(
            width: width, height: height, background: .plain, backgroundName: "plain white", objects: [], labels: signs)
        return (try SceneRenderer.render(scene), signs)
    }

    static func jpeg(seed: UInt64, quality: Int = 92) throws -> [UInt8] {
        try ImageEncoder.encode(try picture(seed: seed), format: .jpeg, jpegQuality: quality)
    }

    static func png(seed: UInt64) throws -> [UInt8] {
        try ImageEncoder.encode(try picture(seed: seed), format: .png)
    }

    /// A PNG whose header claims `side`×`side` pixels and nothing more (a decompression bomb's first bytes).
    static func bombPNG(side: UInt32) -> [UInt8] {
        var ihdr: [UInt8] = Array("IHDR".utf8)
        for value in [side, side] { ihdr += bigEndian(value) }
        ihdr += [8, 2, 0, 0, 0]  // 8-bit RGB
        // A first image-data chunk (an empty zlib stream) so that the header is complete; no pixels follow.
        let idat: [UInt8] = Array("IDAT".utf8) + [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk(ihdr) + chunk(idat) + chunk(Array("IEND".utf8))
    }

    /// A PNG chunk: length, type and data, CRC.
    private static func chunk(_ typeAndData: [UInt8]) -> [UInt8] {
        let length = UInt32(typeAndData.count - 4)
        let crc = crc32(typeAndData)
        return bigEndian(length) + typeAndData + bigEndian(crc)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
