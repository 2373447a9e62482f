import ArgumentParser
import Foundation
import LoomEngine
import LoomLinking

struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Choose each record's in-context examples (MIMIC-IT's rel_ins_ids) and keep them in the run.",
        discussion: """
            Every unflagged record becomes a query or an example, never both. 'siblings' takes examples about the \
            same sample; 'text' sets a seeded share of records aside as examples and gives each other record its \
            k most similar by TF-IDF cosine of the instructions; 'image' does the same by perceptual hashes of the \
            records' images. Records are linked within their language. \
            `loom export --format mimicit` then writes these links; a recipe's stages.in_context does the same \
            during `loom run`.
            """)

    @Argument(help: "A run directory (or its recipe file).")
    var target = "."

    @Option(help: "siblings, text or image.")
    var strategy = "siblings"

    @Option(help: "Examples per query (1–32).")
    var k = 3

    @Option(help: "With text or image: the share of records set aside as examples (0.01–0.9).")
    var exampleShare = 0.2

    @Flag(help: "With text or image: let a query take examples about its own sample.")
    var sameSample = false

    @Option(help: "Seeds which records are examples.")
    var seed: UInt64 = 0

    func validate() throws {
        guard (1...32).contains(k) else { throw ValidationError("--k must be between 1 and 32") }
        guard (0.01...0.9).contains(exampleShare) else { throw ValidationError("--example-share must be between 0.01 and 0.9") }
    }

    func run() async throws {
        let settings = LinkSettings(
            strategy: try choice(LinkSettings.Strategy.self, strategy, option: "strategy"), k: k, exampleShare: exampleShare,
            sameSample: sameSample, seed: seed)
        let summary = try await reportingErrors { () async throws -> InContextSummary in
            let run = try RunLocator.runDirectory(target)
            return try await InContextStage.link(store: run.store, runDirectory: run.url, settings: settings, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        print(Report.inContext(summary))
    }
}
