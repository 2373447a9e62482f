import Foundation
import LoomCore
import LoomIngest

/// Paths as a recipe writes them: absolute, or relative to the recipe file's folder.
enum RecipePath {
    static func resolve(_ path: String, in recipeFolder: URL) -> String {
        path.hasPrefix("/") ? path : recipeFolder.appendingPathComponent(path).standardizedFileURL.path
    }
}

extension DatasetSource {
    /// The dataset a recipe names, with its file and image folder resolved against the recipe's folder.
    init(_ conversion: DatasetConversion, recipeFolder: URL) {
        self.init(
            conversion: conversion, file: RecipePath.resolve(conversion.file, in: recipeFolder),
            imageRoot: conversion.imageRoot.map { RecipePath.resolve($0, in: recipeFolder) })
    }
}
