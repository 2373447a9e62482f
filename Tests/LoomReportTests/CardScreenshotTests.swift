import Foundation
import LoomMedia
import Testing

@testable import LoomReport

/// Loads the data card in headless Chromium (installed by `scripts/install-deps.sh`) and checks the screenshot.
@Suite("Data card in a browser")
struct CardScreenshotTests {
    static let width = 1280
    static let height = 2400

    @Test("headless Chromium renders the card to a full, non-blank screenshot")
    func screenshot() async throws {
        let fixture = try await ReportFixture.shared.value
        let statistics = try DatasetStatistics.read(from: fixture.store, name: "report-fixture")
        let html = fixture.folder.appendingPathComponent("screenshot/index.html")
        try DataCard(statistics: statistics, runDirectory: fixture.runDirectory)
            .write(html: html, json: fixture.folder.appendingPathComponent("screenshot/stats.json"))
        let png = fixture.folder.appendingPathComponent("screenshot/card.png")
        let chromium = try #require(Self.chromium(), "chromium is not installed: run scripts/install-deps.sh")
        let process = Process()
        process.executableURL = chromium
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=" + fixture.folder.appendingPathComponent("chromium-profile").path,
            "--screenshot=" + png.path, "--window-size=\(Self.width),\(Self.height)", html.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let bytes = [UInt8](try Data(contentsOf: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let (info, image) = try ImageDecoder.decode(bytes)
        #expect(info.width == Self.width && info.height == Self.height)
        // Not blank: many colours, and a good part of the page is not the background.
        var colours: Set<Int> = []
        var background = 0
        let pixels = image.pixels
        for index in stride(from: 0, to: pixels.count, by: 3 * 7) {
            let (r, g, b) = (Int(pixels[index]), Int(pixels[index + 1]), Int(pixels[index + 2]))
            colours.insert((r >> 3) << 10 | (g >> 3) << 5 | b >> 3)
            if r > 235 && g > 235 && b > 235 { background += 1 }
        }
        let sampled = pixels.count / (3 * 7)
        #expect(colours.count > 200)
        #expect(background < sampled * 9 / 10)
        if let keep = ProcessInfo.processInfo.environment["LOOM_CARD_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png.path, toPath: keep)
        }
    }

    /// The Chromium binary on the PATH.
    static func chromium() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }
}
