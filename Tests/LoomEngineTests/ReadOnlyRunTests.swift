import Foundation
import LoomCore
import LoomEngine
import LoomExport
import LoomStore
import Testing

/// A run folder that cannot be written (an archived dataset on a read-only mount) is still read: status, content
/// hash and exports to another folder work, writes are refused with a plain message, and nothing is written into it.
/// The folder is made read-only by a read-only bind mount, so these run where the tests may mount (root).
@Suite("Read-only run folders")
struct ReadOnlyRunTests {
    /// The names of every file under `folder`, with their sizes.
    private static func listing(_ folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey])
        return (enumerator?.allObjects as? [URL] ?? []).map { url in
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? -1
            return "\(url.path.dropFirst(folder.path.count)) \(size)"
        }.sorted()
    }

    @Test("a finished run on a read-only mount: status, content hash and an export are read from it; writes are refused",
        .enabled(if: TestMounts.available, "needs permission to mount"))
    func finishedRunReadOnly() async throws {
        let fixture = try RunFixture(singles: 12, pairs: 3, sets: 2, sequences: 2)
        let summary = try await fixture.runner().run()
        let before = Self.listing(fixture.runDirectory)
        let mounted = fixture.folder.appendingPathComponent("archive")
        #expect(TestMounts.mountReadOnly(fixture.runDirectory, at: mounted))
        // Unmounted once the store below is closed (the end of the `do` block): an open store keeps the mount busy.
        defer { #expect(TestMounts.unmount(mounted.path)) }

        do {
            let run = try RunDirectory(existing: mounted)
            #expect(run.store.isReadOnly)
            #expect(try run.store.contentHash() == summary.contentHash)
            let status = try RunStatus.load(run)
            #expect(status.records == summary.records)
            #expect(status.stages.first { $0.stage == "export" }?.done == 2)

            let exported = fixture.folder.appendingPathComponent("llava-again")
            let written = try ExportWriter(store: run.store, runDirectory: run.url).export(.llava, to: exported)
            #expect(written.records > 0)
            let original = fixture.runDirectory.appendingPathComponent("export/llava/data.json")
            #expect(try Data(contentsOf: exported.appendingPathComponent("data.json")) == Data(contentsOf: original))

            #expect { try run.store.setMeta("note", "x") } throws: { "\($0)".contains("cannot be written") }
        }
        // No write-ahead log, index or lock appeared in the folder.
        #expect(Self.listing(fixture.runDirectory) == before)
    }

    @Test("work in a write-ahead log (a writer left it, as a killed run does) is read through a read-only mount; without the log's index the error says what to do",
        .enabled(if: TestMounts.available, "needs permission to mount"))
    func writeAheadLogReadOnly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-readonly-\(UUID().uuidString)")
        let directory = folder.appendingPathComponent("run")
        let (mounted, copy, mountedCopy) = (
            folder.appendingPathComponent("archive"), folder.appendingPathComponent("copy"), folder.appendingPathComponent("archived-copy")
        )
        // Unmounted once every store is closed (the end of the `do` block): SQLite keeps a closed connection's file
        // open while another connection to the same file holds its locks, and an open file keeps a mount busy.
        defer {
            #expect(TestMounts.unmount(mounted.path) && TestMounts.unmount(mountedCopy.path))
            try? FileManager.default.removeItem(at: folder)
        }
        do {
            // The writer stays open, as a killed run's would have left it: the committed value is only in the log.
            let writer = try RunStore(directory: directory, templates: nil)
            try writer.setMeta("note", "committed after the last checkpoint")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(RunStore.fileName)-wal").path))

            #expect(TestMounts.mountReadOnly(directory, at: mounted))
            let reader = try RunStore(directory: mounted)
            #expect(reader.isReadOnly)
            #expect(try reader.meta("note") == "committed after the last checkpoint")

            // The store and its log copied without the `-shm` index, which SQLite cannot make in a read-only folder.
            try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
            for suffix in ["", "-wal"] {
                try FileManager.default.copyItem(
                    at: directory.appendingPathComponent(RunStore.fileName + suffix), to: copy.appendingPathComponent(RunStore.fileName + suffix))
            }
            #expect(TestMounts.mountReadOnly(copy, at: mountedCopy))
            #expect { _ = try RunStore(directory: mountedCopy) } throws: { "\($0)".contains("Copy the run folder somewhere writable") }
            withExtendedLifetime((writer, reader)) {}
        }
    }
}
