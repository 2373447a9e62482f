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

    func run() throws {
        let status = try reportingErrors { try RunStatus.load(try RunLocator.runDirectory(target)) }
        print(json ? try Report.json(status) : Report.status(status))
    }
}
