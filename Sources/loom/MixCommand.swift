import ArgumentParser
import Foundation
import LoomEngine

struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "Build a new run from the unflagged records of several runs, with per-source weights or caps.",
        discussion: """
            Each SOURCE is a run directory, optionally with settings after a colon:
              runs/a                 every unflagged record of runs/a
              runs/a:cap=5000        at most 5000 records
              runs/a:weight=3        a share of 3 against the other weighted sources
              runs/a:weight=1,cap=800
            With weights and --total, the mixture has that many records split by weight; with weights alone it is
            the largest mixture every weighted source can fill. The same sources and --seed give the same mixture.
            Export it like any run: loom export OUTPUT --format llava
            """)

    @Argument(help: "Run directories to draw from (PATH[:weight=W][,cap=N]).")
    var sources: [String]

    @Option(help: "The new run directory.")
    var output: String

    @Option(help: "The seed of the draw.")
    var seed: UInt64 = 0

    @Option(help: "How many records the mixture has (with weights).")
    var total: Int?

    func run() throws {
        let summary = try reportingErrors {
            let parsed = try sources.map(MixSource.parse)
            return try RunMixer(sources: parsed, output: URL(fileURLWithPath: output), seed: seed, total: total).run()
        }
        for source in summary.sources {
            print("\(source.path): \(source.taken) of \(source.available) records")
        }
        if summary.repeatedIDs > 0 { print("\(summary.repeatedIDs) record(s) left out: another source already gave the same record") }
        if summary.renamed > 0 {
            print("\(summary.renamed) record(s) or sample(s) shared an id with another source's different one and were kept under a new id")
        }
        print("Mixture: \(summary.records) records, \(summary.media) media -> \(summary.output)")
        print("Content hash: \(summary.contentHash)")
    }
}
