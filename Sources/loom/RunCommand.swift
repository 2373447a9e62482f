import ArgumentParser
import Foundation
import LoomEngine

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a recipe. Interrupt it at any time; running it again resumes where it stopped.")

    @Argument(help: "The recipe file.")
    var recipe: String

    @Option(help: "Worker threads for drawing and generation (default: one per core).")
    var threads: Int?

    @Flag(name: .customLong("no-cache"), help: "Send model requests again even when the run has their replies (they are paid again).")
    var noCache = false

    @Flag(name: .customLong("accept-changed-prompts"), help: "Resume a run whose store an earlier Loom made, when only the prompts have changed since (a Loom upgrade): that Loom's fingerprint covered its shipped prompts, so the change cannot be told from a changed recipe's. Only for a store made by a recipe of the same name; use it only if the recipe's settings are unchanged.")
    var acceptChangedPrompts = false

    func run() async throws {
        let (recipe, url, catalog) = try reportingErrors { try RunLocator.loadRecipe(self.recipe) }
        let display = ProgressDisplay()
        let stop = RunStop()
        let interruption = Interruption.onControlC(
            stop: stop,
            stopping: {
                display.finish()
                FileHandle.standardError.write(Data(
                    "stopping: no new model requests; waiting for the replies already asked for (paid for, so they are saved). Ctrl-C again quits at once\n".utf8))
            }
        ) { [path = self.recipe] in
            display.finish()
            FileHandle.standardError.write(
                Data("interrupted: finished work is saved; run `loom run \(path)` again to resume\n".utf8))
        }
        defer { interruption.cancel() }
        let runner = RecipeRunner(
            recipe: recipe, recipeURL: url, catalog: catalog, observer: display.observe,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, bypassCache: noCache, stop: stop,
            acceptsChangedPrompts: acceptChangedPrompts)
        let summary = try await reportingErrors {
            do {
                return try await runner.run()
            } catch where stop.isRequested {
                // The stop the first Ctrl-C asked for: the replies in flight were saved.
                display.finish()
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                Foundation.exit(130)
            }
        }
        display.finish()
        print(Report.summary(summary))
    }
}
