import Foundation

/// The commented starter recipe that `loom init` writes.
public enum StarterRecipe {
    /// The text of the starter recipe (a resource file of this module).
    public static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "starter", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
