import Foundation
import LoomCore

/// The images table of a MIMIC-IT export (image id → standard base64 of the image file), in the file the options
/// ask for:
/// - `P.parquet`, what Otter's loader reads since it moved off JSON (`pq.ParquetFile(...).iter_batches()`, then
///   `images.loc[id]["base64"]`): the image id is the pandas index (`__index_level_0__`, described in the
///   footer's pandas metadata, `Resources/mimicit-images-pandas.json`), the one column is `base64`;
/// - `P.json`, the object `{id: base64}` MIMIC-IT was released with.
final class MIMICITImagesWriter {
    private enum Target {
        case parquet(ParquetStringTable)
        case json(ExportFile)
    }

    private let target: Target
    private var count = 0

    init(folder: URL, prefix: String, table: MIMICITImagesTable) throws {
        switch table {
        case .parquet:
            guard let url = Bundle.module.url(forResource: "mimicit-images-pandas", withExtension: "json", subdirectory: "Resources"),
                let pandas = try? String(contentsOf: url, encoding: .utf8)
            else { throw LoomError(.export, "the MIMIC-IT images table's pandas metadata is missing from the installation") }
            target = .parquet(try ParquetStringTable(
                url: folder.appendingPathComponent("\(prefix).parquet"), columns: ["base64", "__index_level_0__"],
                metadata: [("pandas", pandas.trimmingCharacters(in: .whitespacesAndNewlines))]))
        case .json:
            let file = try ExportFile(url: folder.appendingPathComponent("\(prefix).json"))
            try file.write("{")
            target = .json(file)
        }
    }

    /// Adds image `id` with the image file's bytes.
    func add(id: String, bytes: [UInt8]) throws {
        switch target {
        case .parquet(let table):
            try table.appendRow { column, out in
                if column == 0 { Base64.append(bytes, to: &out) } else { out.append(contentsOf: id.utf8) }
            }
        case .json(let file):
            try file.write { out in
                out.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(id, to: &out)
                out.append(contentsOf: ": \"".utf8)
                Base64.append(bytes, to: &out)
                out.append(0x22)
            }
        }
        count += 1
    }

    /// Completes the file and moves it into place; returns its name.
    func finish() throws -> String {
        switch target {
        case .parquet(let table):
            try table.finish()
            return table.url.lastPathComponent
        case .json(let file):
            try file.write(count == 0 ? "}\n" : "\n}\n")
            try file.finish()
            return file.url.lastPathComponent
        }
    }

    func abandon() {
        switch target {
        case .parquet(let table): table.abandon()
        case .json(let file): file.abandon()
        }
    }
}
