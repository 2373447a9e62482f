import ArgumentParser
import Foundation
import LoomEngine

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show done, failed and pending counts per stage.")

    @Argument(help: "A recipe file or a run directory.")
    var target = "."

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Flag(name: .customLong("all-problems"), help: "List every rejected file and note, not the first \(RunStatus.examplesPerGroup) of each kind.")
    var allProblems = false

    func run() throws {
        let status = try reportingErrors {
            try RunStatus.load(try RunLocator.runDirectory(target), examples: allProblems ? nil : RunStatus.examplesPerGroup)
        }
        print(json ? try Report.json(status) : Report.status(status))
    }
}
