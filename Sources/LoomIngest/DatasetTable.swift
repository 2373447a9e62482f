import LoomCore
import CSV
import Foundation

/// The rows of an existing dataset's file, streamed one at a time: JSONL (one object per line), JSON (an array
/// of objects, or an object whose `data`, `rows` or `annotations` member is one) or CSV with a header row.
/// A CSV cell is a string; a cell that holds a JSON array (`["a.jpg", "b.jpg"]`) is read as one.
public struct DatasetTable: Sendable {
    /// One row: where it is, for messages, and its columns.
    struct Row: Sendable {
        /// "file.jsonl:12" (the line), "file.json[11]" (the element) or "file.csv:13" (the line of a CSV row).
        var subject: String
        /// The row's position from 0, the same on every read.
        var index: Int
        var values: [String: JSONValue]
    }

    public enum Format: String, Sendable {
        case jsonl, json, csv
    }

    public let file: String
    public let format: Format

    /// - Throws: `IngestFileError` when the extension names no format Loom reads.
    public init(file: String) throws {
        self.file = file
        let suffix = file.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch suffix {
        case "jsonl", "ndjson": format = .jsonl
        case "json": format = .json
        case "csv": format = .csv
        default: throw IngestFileError("dataset \(file): the file must end in .jsonl, .json or .csv to say its format", kind: .unusableSource)
        }
    }

    private var name: String { String(decoding: SourcePath(file).lastComponent, as: UTF8.self) }

    /// Calls `row` with each row's subject ("file.json[11]"), position and members, and `rejected` for each row
    /// that cannot be read; throws `IngestFileError` naming the file when the file as a whole cannot be read.
    public func forEachRow(
        _ row: (_ subject: String, _ index: Int, _ members: [String: JSONValue]) throws -> Void,
        rejected: (SourceRejection) throws -> Void
    ) throws {
        try scan(row: { try row($0.subject, $0.index, $0.values) }, rejected: rejected)
    }

    /// Calls `row` for each usable row and `rejected` for each that cannot be read; throws `IngestFileError`
    /// naming the file when the file as a whole cannot be read.
    func scan(row: (Row) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        switch format {
        case .jsonl: try scanLines(row: row, rejected: rejected)
        case .json: try scanArray(row: row, rejected: rejected)
        case .csv: try scanCSV(row: row, rejected: rejected)
        }
    }

    private func scanLines(row: (Row) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        let reader: LineReader
        do {
            reader = try LineReader(path: SourcePath(file))
        } catch let error as IngestFileError {
            throw IngestFileError("dataset \(file): \(error.reason)", kind: .unusableSource)
        }
        var index = 0
        while let line = try reader.next() {
            let subject = "\(name):\(reader.lineNumber)"
            guard case .text(let bytes) = line else {
                try rejected(SourceRejection(subject: subject, kind: .badDatasetRow, reason: "line is longer than \(reader.maxLineBytes) bytes"))
                continue
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                guard case .object(let members) = try JSONValue.parse(bytes) else {
                    try rejected(SourceRejection(subject: subject, kind: .badDatasetRow, reason: "not a JSON object"))
                    continue
                }
                try row(Row(subject: subject, index: index, values: members))
                index += 1
            } catch let error as JSONParseError {
                try rejected(SourceRejection(subject: subject, kind: .badDatasetRow, reason: "not JSON (\(error.reason))"))
            }
        }
    }

    private func scanArray(row: (Row) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        let mapped: MappedFile
        do {
            mapped = try MappedFile(path: SourcePath(file))
        } catch let error as IngestFileError {
            throw IngestFileError("dataset \(file): \(error.reason)", kind: .unusableSource)
        }
        try mapped.withBytes { bytes in
            let scanner = JSONElementScanner(bytes)
            do {
                // A byte-order mark some Windows tools write before the JSON.
                let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
                var start = scanner.skipSpace(bom)
                guard start < bytes.count else { throw IngestFileError("dataset \(file): the file is empty", kind: .unusableSource) }
                // Where the top-level value ends: anything but space after it (two files joined with `cat`) is an error.
                var wrapperEnd: Int?
                if bytes[start] == 0x7B {
                    // An object wrapping the rows, as many dataset dumps do.
                    var rows: Range<Int>?
                    wrapperEnd = try scanner.forEachMember(ofObjectAt: start) { key, value in
                        if rows == nil, ["data", "rows", "annotations", "examples"].contains(key), bytes[value.lowerBound] == 0x5B {
                            rows = value
                        }
                    }
                    guard let rows else {
                        throw IngestFileError("dataset \(file): a JSON object must hold its rows in \"data\", \"rows\", \"annotations\" or \"examples\"", kind: .unusableSource)
                    }
                    start = rows.lowerBound
                }
                var index = 0
                let arrayEnd = try scanner.forEachElement(ofArrayAt: start) { element in
                    let subject = "\(name)[\(index)]"
                    defer { index += 1 }
                    do {
                        guard case .object(let members) = try JSONValue.parse(UnsafeBufferPointer(rebasing: bytes[element])) else {
                            try rejected(SourceRejection(subject: subject, kind: .badDatasetRow, reason: "not a JSON object"))
                            return
                        }
                        try row(Row(subject: subject, index: index, values: members))
                    } catch let error as JSONParseError {
                        try rejected(SourceRejection(subject: subject, kind: .badDatasetRow, reason: "not JSON (\(error.reason))"))
                    }
                }
                let end = scanner.skipSpace(wrapperEnd ?? arrayEnd)
                if end < bytes.count {
                    throw JSONElementScanner.Failure(offset: end, message: "more after the end of the JSON value (two files joined into one?)")
                }
            } catch let failure as JSONElementScanner.Failure {
                let (line, column) = scanner.location(of: failure.offset)
                throw IngestFileError("dataset \(file): not JSON at line \(line), column \(column): \(failure.message)", kind: .unusableSource)
            }
        }
    }

    private func scanCSV(row: (Row) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        guard let stream = InputStream(fileAtPath: file) else {
            throw IngestFileError("dataset \(file): cannot be opened", kind: .unusableSource)
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw IngestFileError("dataset \(file): not CSV (\(error))", kind: .unusableSource)
        }
        guard let header = reader.headerRow, !header.isEmpty else {
            throw IngestFileError("dataset \(file): the CSV file has no header row naming its columns", kind: .unusableSource)
        }
        var index = 0
        while let cells = reader.next() {
            // Line numbers count the header as line 1; a quoted cell with line breaks makes this an estimate.
            let subject = "\(name):\(index + 2)"
            defer { index += 1 }
            if cells.allSatisfy({ $0.isEmpty }) { continue }
            guard cells.count == header.count else {
                try rejected(SourceRejection(
                    subject: subject, kind: .badDatasetRow, reason: "the row has \(cells.count) cells but the header names \(header.count) columns"))
                continue
            }
            var values: [String: JSONValue] = [:]
            for (column, cell) in zip(header, cells) {
                if cell.hasPrefix("["), case .array(let list)? = try? JSONValue.parse(Array(cell.utf8)) {
                    values[column] = .array(list)
                } else {
                    values[column] = .string(cell)
                }
            }
            try row(Row(subject: subject, index: index, values: values))
        }
        // On Linux a file stream reports bytes available until a read returns nothing, and CSV.swift then sets
        // `cannotReadFile`: at the end of the stream that is the normal end, not a failure.
        if let error = reader.error, stream.streamStatus != .atEnd {
            throw IngestFileError("dataset \(file): not CSV after row \(index + 1) (\(error))", kind: .unusableSource)
        }
    }
}
