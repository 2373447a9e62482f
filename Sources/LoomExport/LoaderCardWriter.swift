import Foundation
import LoomCore

/// Writes the `README.md` that lets `datasets.load_dataset(EXPORT)` read a JSON Lines export's rows: its YAML
/// `configs` name the data file of each split (`Resources/loader-card.md`). Without it, `datasets` sees the
/// folder's `images/` and loads an image folder instead.
enum LoaderCardWriter {
    /// - Parameter files: each split's name and its data file, relative to `folder`.
    static func write(format: ExportFormat, name: String, files: [(split: String, file: String)], to folder: URL) throws {
        guard let url = Bundle.module.url(forResource: "loader-card", withExtension: "md", subdirectory: "Resources"),
            let template = try? String(contentsOf: url, encoding: .utf8)
        else { throw LoomError(.export, "the loader card template is missing from the installation") }
        let values = [
            "data_files": files.map { "  - split: \($0.split)\n    path: \($0.file)" }.joined(separator: "\n"),
            "name": name, "format": format.rawValue, "producer": ExportOptions.producer,
        ]
        var card = template
        for (key, value) in values { card = card.replacingOccurrences(of: "{{\(key)}}", with: value) }
        let file = try ExportFile(url: folder.appendingPathComponent("README.md"))
        try file.write(card)
        try file.finish()
    }
}
