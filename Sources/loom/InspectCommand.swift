import ArgumentParser
import Foundation
import LoomEngine

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a record, sample or medium by id (a unique prefix is enough).")

    @Argument(help: "The id, or its first characters.")
    var id: String

    @Option(name: .customLong("run"), help: "A recipe file or a run directory.")
    var target = "."

    func run() throws {
        let text = try reportingErrors { try Inspector.describe(id: id, in: try RunLocator.runDirectory(target)) }
        print(text)
    }
}
