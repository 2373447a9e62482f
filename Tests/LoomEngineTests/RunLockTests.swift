import Foundation
import LoomCore
import LoomEngine
import LoomStore
import Testing

@Suite("The run lock")
struct RunLockTests {
    @Test("a run started where another run is working stops at once, names the directory and the other process, and changes nothing")
    func secondRunIsRefused() async throws {
        let fixture = try RunFixture()
        let first = try await fixture.runner().run()
        // flock(2) locks belong to an open file, so a lock taken here stands for another process's run.
        let other = try RunLock.acquire(in: fixture.runDirectory)
        do {
            _ = try await fixture.runner().run()
            Issue.record("the second run was not refused")
        } catch let error as LoomError {
            #expect(error.kind == .usage)
            #expect(error.subject == fixture.runDirectory.path)
            #expect(error.message.contains("another Loom process (a run, an import or a mix) is writing to this run directory (process \(getpid()))"))
        }
        withExtendedLifetime(other) {}
        #expect(try RunStore(directory: fixture.runDirectory).contentHash() == first.contentHash)
    }

    @Test("the lock goes with the run that held it: after a finished run and after a crashed one, the next run starts")
    func lockIsReleased() async throws {
        let fixture = try RunFixture()
        await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashBeforeBatch: 2)).run() }
        let resumed = try await fixture.runner().run()
        #expect(resumed.samplesMadeNow > 0)
        let again = try await fixture.runner().run()
        #expect(again.samplesMadeNow == 0)
        // And the lock can be taken by hand once no run holds it.
        _ = try RunLock.acquire(in: fixture.runDirectory)
    }

    @Test("an import or a mix into a directory a run is writing to is refused before it writes anything")
    func importAndMixAreRefused() async throws {
        let fixture = try RunFixture(singles: 6, pairs: 2, sets: 1, sequences: 1)
        _ = try await fixture.runner().run()
        let exported = fixture.runDirectory.appendingPathComponent("export/llava/data.json")
        let target = fixture.folder.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        do {
            let other = try RunLock.acquire(in: target)
            #expect(throws: LoomError.self) { _ = try DatasetImporter(file: exported, output: target).run() }
            #expect(throws: LoomError.self) {
                _ = try RunMixer(sources: [MixSource(path: fixture.runDirectory.path)], output: target, seed: 1).run()
            }
            #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent(RunStore.fileName).path))
            withExtendedLifetime(other) {}
        }
        // Once the lock is let go, the same import goes through.
        #expect(try DatasetImporter(file: exported, output: target).run().records > 0)
    }

    @Test("`loom status` tells whether a run is working in the directory, and which process it is")
    func statusShowsTheWorkingRun() async throws {
        let fixture = try RunFixture(singles: 4, pairs: 1, sets: 1, sequences: 1)
        _ = try await fixture.runner().run()
        #expect(try RunStatus.load(try RunDirectory(existing: fixture.runDirectory)).workingProcess == nil)
        do {
            let lock = try RunLock.acquire(in: fixture.runDirectory)
            #expect(RunLock.holder(in: fixture.runDirectory) == getpid())
            #expect(try RunStatus.load(try RunDirectory(existing: fixture.runDirectory)).workingProcess == getpid())
            withExtendedLifetime(lock) {}
        }
        #expect(RunLock.holder(in: fixture.runDirectory) == nil)
    }

    @Test("a lock file a crashed run left behind, naming its process, does not count as a run working here")
    func staleLockFileIsNotAHolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(RunLock.holder(in: folder) == nil)
        try "4242\n".write(to: folder.appendingPathComponent(RunLock.fileName), atomically: false, encoding: .utf8)
        #expect(RunLock.holder(in: folder) == nil)
        // The probe let go of what it tried: the next run takes the lock and writes its own process id.
        let lock = try RunLock.acquire(in: folder)
        #expect(RunLock.holder(in: folder) == getpid())
        withExtendedLifetime(lock) {}
    }

    @Test("the lock file names the process holding it")
    func lockFileNamesOwner() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let lock = try RunLock.acquire(in: folder)
        let text = try String(contentsOf: folder.appendingPathComponent(RunLock.fileName), encoding: .utf8)
        #expect(text == "\(getpid())\n")
        #expect(throws: LoomError.self) { _ = try RunLock.acquire(in: folder) }
        withExtendedLifetime(lock) {}
    }
}
