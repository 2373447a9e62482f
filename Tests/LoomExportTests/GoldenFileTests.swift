import Foundation
import Testing

@testable import LoomExport

/// Each format's exact bytes for the fixture, pinned. Set `LOOM_UPDATE_GOLDEN=1` to rewrite them after an
/// intended change, and review the diff.
@Suite("Golden files")
struct GoldenFileTests {
    private static let goldenRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("every format writes exactly its pinned bytes", arguments: ExportFormat.allCases)
    func pinned(format: ExportFormat) throws {
        let fixture = try ExportFixture()
        let (summary, folder) = try fixture.export(format)
        let golden = Self.goldenRoot.appendingPathComponent(format.rawValue)
        let update = ProcessInfo.processInfo.environment["LOOM_UPDATE_GOLDEN"] == "1"
        if update { try? FileManager.default.removeItem(at: golden) }
        #expect(!summary.files.isEmpty)
        for file in summary.files {
            let written = try Data(contentsOf: folder.appendingPathComponent(file))
            let pinned = golden.appendingPathComponent(file)
            if update {
                try FileManager.default.createDirectory(at: pinned.deletingLastPathComponent(), withIntermediateDirectories: true)
                try written.write(to: pinned)
                continue
            }
            let expected = try #require(FileManager.default.contents(atPath: pinned.path), "no golden file \(format.rawValue)/\(file)")
            #expect(written == expected, "\(format.rawValue)/\(file) differs from its golden file")
        }
        // No golden file may be left unwritten by the export.
        let goldenFiles = try FileManager.default.subpathsOfDirectory(atPath: golden.path).filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: golden.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
        #expect(Set(goldenFiles) == Set(summary.files))
    }
}
