import ArgumentParser
import Foundation
import LoomEngine
import LoomReport

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Describe a run's dataset: counts by domain, type, skill and language, lengths, verbs, flags, cost.")

    @Argument(help: "A run directory (or its recipe file).")
    var target = "."

    @Flag(help: "Print the statistics as JSON for scripts.")
    var json = false

    func run() throws {
        let (statistics, directory) = try reportingErrors { () throws -> (DatasetStatistics, String) in
            let run = try RunLocator.runDirectory(target)
            return (try DatasetStatistics.read(from: run.store, name: try run.recipeName()), run.url.path)
        }
        if json {
            print(String(decoding: try statistics.jsonData(), as: UTF8.self))
        } else {
            print(Report.statistics(statistics, runDirectory: directory))
        }
    }
}
