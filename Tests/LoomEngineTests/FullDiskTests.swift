import Foundation
import LoomCore
import LoomEngine
import LoomStore
import Testing

/// A run on a disk that fills up: it must stop with a plain message, keep what it committed, and finish the
/// identical dataset once there is room. Uses a small tmpfs, so it runs where the tests may mount one (root).
@Suite("Full disk")
struct FullDiskTests {
    @Test("a full disk stops the run with a clear message; with room again the run finishes the identical dataset",
        .enabled(if: TestMounts.available, "needs permission to mount a tmpfs"))
    func fullDiskThenResume() async throws {
        let reference = try await RunFixture(singles: 30, pairs: 4, sets: 2, sequences: 2).runner().run()
        let fixture = try RunFixture(singles: 30, pairs: 4, sets: 2, sequences: 2)
        try FileManager.default.createDirectory(at: fixture.runDirectory, withIntermediateDirectories: true)
        #expect(TestMounts.mount(["-t", "tmpfs", "-o", "size=600k", "tmpfs", fixture.runDirectory.path]))
        defer { TestMounts.unmount(fixture.runDirectory.path) }

        await #expect { try await fixture.runner().run() } throws: { error in
            let text = "\(error)"
            return text.contains("disk is full") || text.contains("space")
        }
        #expect(TestMounts.mount(["-o", "remount,size=64m", fixture.runDirectory.path]))
        let resumed = try await fixture.runner().run()
        #expect(resumed.contentHash == reference.contentHash)
        #expect(resumed.flaggedRecords == 0)
    }

    @Test("a media folder that fills up during ingest stops the stage, rejects no photo for it, and the run resumes whole",
        .enabled(if: TestMounts.available, "needs permission to mount a tmpfs"))
    func fullMediaFolderDuringIngest() async throws {
        let fixture = try IngestFixture()
        for index in 0..<12 { try fixture.write(try IngestFixture.jpeg(seed: UInt64(40 + index)), as: "p\(index).jpg") }
        // Only the media folder is small: the store beside it keeps working, as when a disk fills up with images.
        let media = fixture.runDirectory.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        #expect(TestMounts.mount(["-t", "tmpfs", "-o", "size=24k", "tmpfs", media.path]))
        defer { TestMounts.unmount(media.path) }

        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.kind == .store && error.message.contains("is the disk full or read-only?"))
        let store = try RunStore(directory: fixture.runDirectory)
        #expect(try store.rejections(stage: "ingest").isEmpty)
        #expect(try store.failures(stage: "ingest").isEmpty)

        #expect(TestMounts.mount(["-o", "remount,size=16m", media.path]))
        let resumed = try await fixture.runner().run()
        #expect(resumed.ingest?.images == 12 && resumed.ingest?.problems.isEmpty == true)
    }
}
