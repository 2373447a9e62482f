import ArgumentParser
import Foundation
import LoomEngine
import LoomExport

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a training format from a run's records (flagged records are left out).")

    @Argument(help: "A recipe file or a run directory.")
    var target = "."

    @Option(help: "The format: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String

    @Option(help: "The export folder (default: export/FORMAT inside the run directory).")
    var out: String?

    func run() throws {
        guard let format = ExportFormat(rawValue: format) else {
            throw ValidationError("unknown format '\(format)'; use one of: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let summary = try reportingErrors {
            let run = try RunLocator.runDirectory(target)
            let folder = out.map { URL(fileURLWithPath: $0) } ?? run.url.appendingPathComponent("export/\(format.rawValue)")
            return try ExportWriter(store: run.store, runDirectory: run.url).export(format, to: folder)
        }
        print(Report.export(summary))
    }
}
