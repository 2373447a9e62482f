import Foundation
import LoomCore

/// One row of an existing dataset, read through its column mapping and checked.
public struct DatasetRow: Sendable, Hashable {
    public typealias Content = DatasetRowContent

    /// "file.jsonl:12", for messages and rejections.
    public var subject: String
    /// Position among the file's readable rows, from 0: part of the record ids, so stable.
    public var index: Int
    public var images: [SourcePath]
    public var content: Content
}

/// An existing dataset (JSONL, JSON or CSV) converted into multi-image records. The ingest stage reads it for
/// its images (each distinct path once); the convert stage reads it again for its rows.
public struct DatasetSource: Sendable {
    public let conversion: DatasetConversion
    /// The dataset file and image folder, resolved.
    public let file: String
    public let imageRoot: String?

    public init(conversion: DatasetConversion, file: String, imageRoot: String?) {
        self.conversion = conversion
        self.file = file
        self.imageRoot = imageRoot
    }

    /// The images the rows name, each path once, in row order. Rows that cannot be used are skipped here
    /// (the convert stage records them); an image that is missing is rejected with its row.
    public func scan(item: (SourceItem) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        var seen: Set<SourcePath> = []
        try rows(row: { row in
            for path in row.images where seen.insert(path).inserted {
                if let problem = regularFileProblem(path) {
                    try rejected(SourceRejection(subject: "\(row.subject) image \(path.display)", kind: problem.kind, reason: problem.reason))
                    continue
                }
                try item(SourceItem(path: path, origin: "dataset \(row.subject)"))
            }
        }, rejected: { _ in })
    }

    /// Every row in file order, read and checked against the task, or why it cannot be used (not JSON, a
    /// short CSV row, a missing column, a label that names no image). Throws `IngestFileError` naming the file
    /// when the file as a whole cannot be read.
    public func rows(row body: (DatasetRow) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        let table = try DatasetTable(file: file)
        let root = imageRoot.map(SourcePath.init) ?? SourcePath(file).parent
        try table.scan(
            row: { row in
                let converted: DatasetRow
                do {
                    converted = try convert(row, root: root)
                } catch let problem as RowProblem {
                    try rejected(SourceRejection(subject: row.subject, kind: .badDatasetRow, reason: problem.reason))
                    return
                }
                try body(converted)
            },
            rejected: rejected)
    }

    private struct RowProblem: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private func convert(_ row: DatasetTable.Row, root: SourcePath) throws -> DatasetRow {
        let columns = conversion.columns
        let images = try imagePaths(row, root: root)
        let content: DatasetRow.Content
        switch conversion.task {
        case .statementPair:
            guard images.count >= 2 else { throw RowProblem("a statement pair needs at least 2 images, the row has \(images.count)") }
            let statement = try text(row, columns.statement, part: "statement")
            let label = try text(row, columns.label, part: "label")
            if conversion.trueValues.contains(where: { $0.lowercased() == label.lowercased() }) {
                content = .statement(statement, holds: true)
            } else if conversion.falseValues.contains(where: { $0.lowercased() == label.lowercased() }) {
                content = .statement(statement, holds: false)
            } else {
                throw RowProblem(
                    "label '\(label)' is neither true (\(conversion.trueValues.joined(separator: ", "))) nor false (\(conversion.falseValues.joined(separator: ", ")))")
            }
        case .imageDifference:
            guard images.count == 2 else { throw RowProblem("an image difference needs exactly 2 images, the row has \(images.count)") }
            let question = try columns.question.map { try text(row, $0, part: "question") }
            content = .difference(try text(row, columns.difference, part: "difference"), question: question)
        case .imageChoice:
            guard (2...optionLetters.count).contains(images.count) else {
                throw RowProblem("a choice among images needs 2 to \(optionLetters.count) images, the row has \(images.count)")
            }
            let question = try columns.question.map { try text(row, $0, part: "question") }
            let caption = try columns.caption.map { try text(row, $0, part: "caption") }
            guard question != nil || caption != nil else { throw RowProblem("the row has neither a question nor a caption") }
            let label = try text(row, columns.label, part: "label")
            content = .choice(question: question, caption: caption, correct: try choice(label, images: images, row: row))
        }
        return DatasetRow(subject: row.subject, index: row.index, images: images, content: content)
    }

    /// Which image a label names: a number (from `labelBase`), a letter, or one of the row's image paths.
    private func choice(_ label: String, images: [SourcePath], row: DatasetTable.Row) throws -> Int {
        if let number = Int(label) {
            let index = number - conversion.labelBase
            guard images.indices.contains(index) else {
                throw RowProblem("label \(number) names no image: the row has \(images.count), counted from \(conversion.labelBase)")
            }
            return index
        }
        if let index = optionLetters.firstIndex(of: label.uppercased()), images.indices.contains(index) { return index }
        let named = imageNames(row)
        if let index = named.firstIndex(of: label) { return index }
        throw RowProblem("label '\(label)' is not an image number, a letter or one of the row's image paths")
    }

    private func imagePaths(_ row: DatasetTable.Row, root: SourcePath) throws -> [SourcePath] {
        let names = imageNames(row)
        guard !names.isEmpty else {
            throw RowProblem("no image paths in column\(conversion.columns.images.count == 1 ? "" : "s") \(conversion.columns.images.joined(separator: ", "))")
        }
        return names.map { root.resolving(SourcePath($0)) }
    }

    /// The image paths as written in the row.
    private func imageNames(_ row: DatasetTable.Row) -> [String] {
        var names: [String] = []
        for column in conversion.columns.images {
            switch row.values[column] {
            case .string(let path)? where !path.isEmpty: names.append(path)
            case .array(let list)?: names += list.compactMap(\.stringValue).filter { !$0.isEmpty }
            default: continue
            }
        }
        return names
    }

    private func text(_ row: DatasetTable.Row, _ column: String?, part: String) throws -> String {
        guard let column else { throw RowProblem("the recipe names no column for the \(part)") }
        let value: String? =
            switch row.values[column] {
            case .string(let text)?: text
            case .integer(let number)?: String(number)
            case .bool(let flag)?: flag ? "true" : "false"
            case .number(let number)?: BoxText.number(number)
            default: nil
            }
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RowProblem("no \(part) in column '\(column)'")
        }
        return value
    }
}
