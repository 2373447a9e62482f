import ArgumentParser
import Foundation
import LoomEngine

struct SyphusExamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syphus-examples",
        abstract: "Turn a Syphus subset's accepted records into the in-context examples of its next round.",
        discussion: """
            MIMIC-IT's cold start: generate a small batch with a syphus stage, review it (`loom review batch RUN NAME \
            --domains syphus_SUBSET`), then run this. It writes FOLDER/syphus/SUBSET.yaml: the subset's prompt with \
            one example per accepted sample (the sample's annotations as the query, the accepted pairs as the reply). \
            Add `prompts: FOLDER/` to the recipe, point `output:` at a new run directory and run it again.
            """)

    @Argument(help: "A run directory (or its recipe file).")
    var target = "."

    @Option(help: "The Syphus subset, e.g. spot_the_difference.")
    var subset: String

    @Option(help: "The prompt folder to write into (created if needed); its existing subset file is the base.")
    var out: String

    @Option(help: "At most this many examples.")
    var max = 4

    func run() throws {
        guard (1...20).contains(max) else { throw ValidationError("--max must be between 1 and 20") }
        let written = try reportingErrors {
            let run = try RunLocator.runDirectory(target)
            let folder = URL(fileURLWithPath: out)
            return try SyphusExamples.write(
                subset: subset, store: run.store, folder: folder,
                overrides: FileManager.default.fileExists(atPath: folder.path) ? folder : nil, limit: max)
        }
        print("\(written.examples) examples (\(written.pairs) pairs) -> \(written.file.path)")
    }
}
