import Foundation
import LoomEngine
import Testing

/// The real thing: the `loom` executable is killed with SIGKILL in the middle of a run, then run again.
@Suite("Kill -9 and resume")
struct KillAndResumeTests {
    /// The `loom` executable built next to the test bundle.
    private var loomExecutable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("loom")
    }

    @Test("SIGKILL during `loom run`, then `loom run` again: the dataset equals an uninterrupted run's")
    func killNineThenResume() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: loomExecutable.path), "build the loom product first")
        let reference = try await RunFixture(singles: 40, pairs: 8, sets: 4, sequences: 4, batchSize: 2).runner().run()

        let fixture = try RunFixture(singles: 40, pairs: 8, sets: 4, sequences: 4, batchSize: 2)
        let victim = try launch(fixture)
        // Wait (by reading its progress lines, not by sleeping) until some samples are stored, then kill it.
        let stderr = victim.standardError as! Pipe
        var seen = ""
        var killedAt: Int?
        while killedAt == nil {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // it finished before we could kill it
            seen += String(decoding: chunk, as: UTF8.self)
            if let done = Self.lastProgress(in: seen), done >= 6 {
                kill(victim.processIdentifier, SIGKILL)
                killedAt = done
            }
        }
        victim.waitUntilExit()
        #expect(killedAt != nil, "the run ended before it could be killed: \(seen)")
        #expect(victim.terminationReason == .uncaughtSignal)

        let resumed = try launch(fixture)
        let output = (resumed.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        resumed.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        #expect(resumed.terminationStatus == 0, "\(text)")
        #expect(text.contains("Content hash: \(reference.contentHash)"), "\(text)")
        #expect(!text.contains("(56 made now)"), "the resumed run redid finished samples: \(text)")
    }

    private func launch(_ fixture: RunFixture) throws -> Process {
        let process = Process()
        process.executableURL = loomExecutable
        process.arguments = ["run", fixture.recipeURL.path, "--threads", "2"]
        var environment = ProcessInfo.processInfo.environment
        environment["LOOM_PROGRESS_INTERVAL"] = "0"
        process.environment = environment
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// The highest "render N/M" count in the progress log so far.
    private static func lastProgress(in log: String) -> Int? {
        log.split(whereSeparator: \.isNewline).compactMap { line -> Int? in
            guard line.hasPrefix("render "), let slash = line.firstIndex(of: "/") else { return nil }
            return Int(line[line.index(line.startIndex, offsetBy: 7)..<slash])
        }.max()
    }
}
