import ArgumentParser
import Foundation
import LoomEngine

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read a LLaVA, Mantis or LLaMA-Factory training file into a run directory and check its quality.",
        discussion: """
            The run directory then works like any other: loom stats, loom card, loom export, review.
            Rows that cannot be used (broken turns, more <image> than images, missing or corrupt images) are
            listed by `loom status` with their reasons.
            """)

    @Argument(help: "The training file (.json array or .jsonl).")
    var file: String

    @Option(help: "The run directory to create or add to.")
    var output: String

    @Option(help: "The file's format: llava, mantis, llamafactory or auto (by each row's keys).")
    var format: String = "auto"

    @Option(help: "The folder image paths are relative to (default: the file's folder).")
    var images: String?

    @Option(help: "The domain the records get.")
    var domain: String = "imported"

    @Option(help: "The language code the records get.")
    var language: String = "en"

    @Flag(help: "Do not run the quality checks after importing.")
    var noQuality = false

    func run() async throws {
        guard let format = DatasetImporter.Format(rawValue: format) else {
            throw ValidationError("--format: '\(format)' is not one of: \(DatasetImporter.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let importer = DatasetImporter(
            file: URL(fileURLWithPath: file), format: format, imageRoot: images.map { URL(fileURLWithPath: $0) },
            output: URL(fileURLWithPath: output), domain: .init(rawValue: domain), language: language)
        let summary = try reportingErrors { try importer.run() }
        let unchanged = summary.unchangedRecords > 0 ? " (\(summary.unchangedRecords) already in the run as they are)" : ""
        print("Imported \(summary.records) of \(summary.rows) rows\(unchanged), \(summary.images) images -> \(summary.output)")
        if summary.systemPromptsLeftOut > 0 {
            print("\(summary.systemPromptsLeftOut) rows had a system prompt, left out: Loom's records carry none (exports add none either)")
        }
        /// "1 row" or "3 rows".
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        if summary.staleRecordsRemoved > 0 {
            print("Removed \(counted(summary.staleRecordsRemoved, "record")) of an earlier import of this file: rows no longer in it or that no longer import")
        }
        if summary.mediaRemoved > 0 {
            print("Removed \(counted(summary.mediaRemoved, "image")) that no record shows any more (the run's copies; your files stay)")
        }
        if summary.changedRecords > 0 {
            print("\(counted(summary.changedRecords, "row")) changed since this file was imported: the new content replaced the old and starts unreviewed (the earlier review is kept in the record's history)")
        }
        if summary.correctionsKept > 0 {
            print("\(counted(summary.correctionsKept, "row")) unchanged in the file had been corrected in review: the run keeps the corrections")
        }
        if summary.rejected > 0 {
            print("\(summary.rejected) rows left out:")
            for problem in summary.firstProblems { print("  \(problem)") }
        }
        guard !noQuality else { return }
        let quality = try await reportingErrors { try await DatasetImporter.checkQuality(of: URL(fileURLWithPath: output)) }
        print(Report.quality(quality.summary, records: quality.records, flagged: quality.flagged))
    }
}
