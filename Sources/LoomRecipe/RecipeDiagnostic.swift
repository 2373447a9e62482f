/// One problem found in a recipe, with its place in the file.
public struct RecipeDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The dotted key path of the offending value ("sources.scenes.pairs").
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        let location = path.isEmpty ? "" : "\(path): "
        return "\(file):\(line):\(column): error: \(location)\(message)"
    }
}

/// A recipe that cannot be run, with every problem found.
public struct RecipeError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [RecipeDiagnostic]

    public init(_ diagnostics: [RecipeDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
