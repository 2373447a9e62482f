import ArgumentParser
import Foundation
import LoomRecipe

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a commented starter recipe.")

    @Argument(help: "Where to write the recipe.")
    var path = "recipe.yaml"

    @Flag(help: "Overwrite an existing file.")
    var force = false

    func run() throws {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw ValidationError("\(path) already exists; pass --force to overwrite it")
        }
        try StarterRecipe.text().write(toFile: path, atomically: true, encoding: .utf8)
        print("Wrote \(path). Edit it, then run: loom run \(path)")
    }
}
