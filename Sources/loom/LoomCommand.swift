import ArgumentParser

/// `loom`: turns image collections into instruction-tuning datasets for vision-language models.
@main
struct LoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom",
        abstract: "Build training-ready instruction datasets for vision-language models.",
        subcommands: [
            InitCommand.self, RunCommand.self, StatusCommand.self, StatsCommand.self, CardCommand.self, ExportCommand.self,
            InspectCommand.self, MixCommand.self, ImportCommand.self, ReviewCommand.self, LinkCommand.self, SyphusExamplesCommand.self,
        ])
}
