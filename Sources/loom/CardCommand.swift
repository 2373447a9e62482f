import ArgumentParser
import Foundation
import LoomEngine
import LoomReport

struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Write the data card: one self-contained HTML page with charts and samples, and its statistics as JSON.")

    @Argument(help: "A run directory (or its recipe file).")
    var target = "."

    @Option(help: "The HTML file (default: card/index.html in the run directory). The JSON goes beside it, with the extension .json (.stats.json when the HTML file's is .json; stats.json by default).")
    var output: String?

    func run() throws {
        let (html, json) = try reportingErrors { () throws -> (URL, URL) in
            let run = try RunLocator.runDirectory(target)
            let statistics = try DatasetStatistics.read(from: run.store, name: try run.recipeName())
            var location = DataCard.defaultLocation(runDirectory: run.url)
            if let output {
                let html = URL(fileURLWithPath: output).standardizedFileURL
                var json = html.deletingPathExtension().appendingPathExtension("json")
                // An output named .json would get the page and the statistics at one path, the page winning.
                if json == html { json = html.deletingPathExtension().appendingPathExtension("stats.json") }
                location = (html, json)
            }
            try DataCard(statistics: statistics, runDirectory: run.url).write(html: location.html, json: location.json)
            return location
        }
        print("Wrote the data card: \(html.path)\nStatistics: \(json.path)")
    }
}
