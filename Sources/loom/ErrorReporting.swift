import ArgumentParser
import Foundation
import LoomCore
import LoomRecipe

/// Runs `body`, printing Loom's errors plainly on standard error and exiting with a failure code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        fail(error)
    }
}

func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        fail(error)
    }
}

private func fail(_ error: any Error) -> Never {
    let stderr = FileHandle.standardError
    if let error = error as? RecipeError {
        stderr.write(Data((error.description + "\n").utf8))
        stderr.write(Data("The recipe has \(error.diagnostics.count) problem(s); nothing was run.\n".utf8))
        exit(2)
    }
    stderr.write(Data("error: \(error)\n".utf8))
    exit(1)
}
