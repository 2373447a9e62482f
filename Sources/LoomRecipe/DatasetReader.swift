import LoomCore
import Yams

/// Reads one entry of `sources.datasets`: an existing dataset to convert.
///
/// ```yaml
/// datasets:
///   - file: nlvr2/dev.jsonl
///     task: statement_pair            # statement_pair | image_difference | image_choice
///     image_root: nlvr2/images        # optional; default: the dataset file's folder
///     columns: {images: [left, right], statement: sentence, label: label}
///     true_values: ["True"]           # optional
/// ```
enum DatasetReader {
    static func read(_ node: Node, path: String, sink: DiagnosticSink) -> DatasetConversion? {
        guard let reader = MappingReader(node, path: path, sink: sink) else { return nil }
        let file = CollectionReader.required(reader, "file", in: path, at: node, sink: sink)
        let taskName = reader.string("task", default: "", allowed: DatasetConversion.Task.allCases.map(\.rawValue))
        if !reader.has("task") {
            sink.report(
                "a dataset needs a 'task': \(DatasetConversion.Task.allCases.map(\.rawValue).joined(separator: ", "))",
                at: node, path: path)
        }
        let root = reader.has("image_root") ? reader.string("image_root", default: "") : nil
        sink.checkExists(file, "dataset file", at: reader.value("file"), path: path + ".file")
        sink.checkExists(root, "image folder", at: reader.value("image_root"), path: path + ".image_root")
        let trueValues = reader.stringList("true_values", allowed: [])
        let falseValues = reader.stringList("false_values", allowed: [])
        let labelBase = reader.int("label_base", default: 0, in: 0...1)
        let domain = reader.has("domain") ? Domain(rawValue: reader.string("domain", default: "")) : nil
        let skill = reader.has("skill")
            ? Skill(rawValue: reader.string("skill", default: "", allowed: Skill.allCases.map(\.rawValue))) : nil
        var columns: DatasetConversion.Columns?
        if let mapping = reader.mapping("columns") {
            columns = readColumns(mapping)
        } else {
            sink.report("a dataset needs 'columns' naming which column holds what", at: node, path: path)
        }
        reader.finish()
        guard let file, let task = DatasetConversion.Task(rawValue: taskName), let columns else { return nil }
        let missing = missingColumns(columns, task: task)
        if !missing.isEmpty {
            sink.report(
                "task \(task.rawValue) needs the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) in 'columns'",
                at: node, path: "\(path).columns")
            return nil
        }
        return DatasetConversion(
            file: file, task: task, imageRoot: root, columns: columns,
            trueValues: trueValues ?? ["true", "1", "yes"], falseValues: falseValues ?? ["false", "0", "no"],
            labelBase: labelBase, domain: domain, skill: skill)
    }

    private static func readColumns(_ reader: MappingReader) -> DatasetConversion.Columns {
        // `images` is a list of columns or one column (which may itself hold a list of paths).
        var images: [String] = []
        if case .scalar(let scalar)? = reader.value("images") {
            images = [scalar.string]
        } else {
            images = reader.stringList("images", allowed: []) ?? []
        }
        func optional(_ key: String) -> String? { reader.has(key) ? reader.string(key, default: "") : nil }
        let columns = DatasetConversion.Columns(
            images: images, statement: optional("statement"), label: optional("label"),
            difference: optional("difference"), question: optional("question"), caption: optional("caption"))
        reader.finish()
        return columns
    }

    private static func missingColumns(_ columns: DatasetConversion.Columns, task: DatasetConversion.Task) -> [String] {
        var missing: [String] = []
        if columns.images.isEmpty { missing.append("images") }
        switch task {
        case .statementPair:
            if columns.statement == nil { missing.append("statement") }
            if columns.label == nil { missing.append("label") }
        case .imageDifference:
            if columns.difference == nil { missing.append("difference") }
        case .imageChoice:
            if columns.label == nil { missing.append("label") }
            if columns.question == nil && columns.caption == nil { missing.append("question or caption") }
        }
        return missing
    }
}
