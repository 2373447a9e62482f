import Foundation
import Yams

/// Collects diagnostics while a YAML document is read.
final class DiagnosticSink {
    let file: String
    /// The folder relative source paths are read from, when they must exist (a run is about to read them); nil
    /// leaves them unchecked (commands that only read a run).
    let sourceFolder: URL?
    private(set) var diagnostics: [RecipeDiagnostic] = []

    init(file: String, sourceFolder: URL? = nil) {
        self.file = file
        self.sourceFolder = sourceFolder
    }

    /// Reports a source path that does not exist, when source paths are checked: every one at once, each at its
    /// line, so that a recipe with several wrong paths is mended in one go.
    func checkExists(_ value: String?, _ what: String, at node: Node?, path: String) {
        guard let sourceFolder, let value, !value.isEmpty else { return }
        let resolved = value.hasPrefix("/") ? value : sourceFolder.appendingPathComponent(value).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: resolved) else { return }
        report("the \(what) does not exist: \(resolved)", at: node, path: path)
    }

    func report(_ message: String, at node: Node?, path: String) {
        let mark = node?.mark
        diagnostics.append(
            RecipeDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, path: path, message: message))
    }
}

/// Reads one YAML mapping with typed getters; every problem becomes a diagnostic with a line and column,
/// and keys nobody asked for are reported as unknown when the reader finishes.
final class MappingReader {
    let node: Node
    let path: String
    private let sink: DiagnosticSink
    private var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var consumed: Set<String> = []

    init?(_ node: Node, path: String, sink: DiagnosticSink) {
        self.node = node
        self.path = path
        self.sink = sink
        guard case .mapping(let mapping) = node else {
            sink.report("expected a mapping of keys to values", at: node, path: path)
            return nil
        }
        var merged: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                sink.report("keys must be plain words", at: key, path: path)
                continue
            }
            if name == "<<" && key.tag.rawValue == Tag.Name.merge.rawValue {
                merged += Self.mergedEntries(value, at: key, path: path, sink: sink)
                continue
            }
            entries.append((name, key, value))
        }
        // YAML merge keys (`<<: *defaults`): the keys written here win over the merged ones, and of several merged
        // mappings the first that has a key gives it.
        for entry in merged where !entries.contains(where: { $0.key == entry.key }) { entries.append(entry) }
    }

    /// The entries a merge key brings in: those of a mapping, or of a list of mappings, their own merges included.
    private static func mergedEntries(_ value: Node, at key: Node, path: String, sink: DiagnosticSink) -> [(key: String, keyNode: Node, value: Node)] {
        switch value {
        case .mapping:
            guard let reader = MappingReader(value, path: path, sink: sink) else { return [] }
            return reader.entries
        case .sequence(let list):
            return list.flatMap { mergedEntries($0, at: key, path: path, sink: sink) }
        default:
            sink.report("'<<' merges a mapping or a list of mappings (e.g. <<: *defaults)", at: key, path: path)
            return []
        }
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value node for `key`, marking the key as known.
    func value(_ key: String) -> Node? {
        consumed.insert(key)
        return entries.first { $0.key == key }?.value
    }

    /// Whether the mapping has `key`; asking makes it a known key (for the "did you mean" of a misspelled one).
    func has(_ key: String) -> Bool {
        consumed.insert(key)
        return entries.contains { $0.key == key }
    }

    /// Every key of the mapping, in file order: for mappings whose keys are names the user chooses.
    var keys: [String] { entries.map(\.key) }

    /// A nested mapping.
    func mapping(_ key: String) -> MappingReader? {
        guard let node = value(key) else { return nil }
        return MappingReader(node, path: childPath(key), sink: sink)
    }

    /// A sequence of nodes.
    func sequence(_ key: String) -> [Node]? {
        guard let node = value(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            sink.report("expected a list", at: node, path: childPath(key))
            return nil
        }
        return Array(sequence)
    }

    func string(_ key: String, default fallback: String, allowed: [String]? = nil) -> String {
        guard let node = value(key) else { return fallback }
        guard case .scalar(let scalar) = node, scalar.tag != .init(.null) else {
            sink.report("expected text", at: node, path: childPath(key))
            return fallback
        }
        if let allowed, !allowed.contains(scalar.string) {
            sink.report(
                "'\(scalar.string)' is not one of: \(allowed.joined(separator: ", "))", at: node, path: childPath(key))
            return fallback
        }
        return scalar.string
    }

    func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let node = value(key) else { return fallback }
        guard case .scalar = node, let flag = node.bool else {
            sink.report("expected true or false, found '\(node.string ?? "a \(node.kindName)")'", at: node, path: childPath(key))
            return fallback
        }
        return flag
    }

    func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        number(key, default: fallback, in: range, kind: "a whole number") { $0.int }
    }

    func double(_ key: String, default fallback: Double, in range: ClosedRange<Double>) -> Double {
        number(key, default: fallback, in: range, kind: "a number") { $0.float }
    }

    /// A number within `range`; `parse` reads it from the node.
    private func number<T: Comparable>(
        _ key: String, default fallback: T, in range: ClosedRange<T>, kind: String, parse: (Node) -> T?
    ) -> T {
        guard let node = value(key) else { return fallback }
        guard case .scalar = node, let number = parse(node) else {
            sink.report("expected \(kind), found '\(node.string ?? "a \(node.kindName)")'", at: node, path: childPath(key))
            return fallback
        }
        guard range.contains(number) else {
            sink.report("\(number) is out of range: must be from \(range.lowerBound) to \(range.upperBound)",
                at: node, path: childPath(key))
            return fallback
        }
        return number
    }

    /// A `{min, max}` mapping or a single number (meaning min = max).
    func range(_ key: String, default fallback: ClosedRange<Int>, in limits: ClosedRange<Int>) -> ClosedRange<Int> {
        guard let node = value(key) else { return fallback }
        if case .scalar = node {
            let single = int(key, default: fallback.lowerBound, in: limits)
            return single...single
        }
        guard let nested = mapping(key) else { return fallback }
        let low = nested.int("min", default: fallback.lowerBound, in: limits)
        let high = nested.int("max", default: max(fallback.upperBound, low), in: limits)
        nested.finish()
        guard low <= high else {
            sink.report("min (\(low)) is larger than max (\(high))", at: node, path: childPath(key))
            return fallback
        }
        return low...high
    }

    func stringList(_ key: String, allowed: [String]) -> [String]? {
        guard let nodes = sequence(key) else { return nil }
        var out: [String] = []
        for (index, node) in nodes.enumerated() {
            guard let text = node.string else {
                sink.report("expected text", at: node, path: "\(childPath(key))[\(index)]")
                continue
            }
            if !allowed.isEmpty && !allowed.contains(text) {
                sink.report("'\(text)' is not one of: \(allowed.joined(separator: ", "))", at: node,
                    path: "\(childPath(key))[\(index)]")
                continue
            }
            out.append(text)
        }
        return out
    }

    /// Reports a problem about this mapping's key.
    func report(_ message: String, key: String) {
        sink.report(message, at: value(key) ?? node, path: childPath(key))
    }

    /// Reports every key that no getter asked for, with a suggestion when one is close.
    func finish() {
        let known = Array(consumed)
        // At the top, keys starting with `x-` are the user's own, to hold YAML anchors (`x-defaults: &defaults`).
        for entry in entries where !consumed.contains(entry.key) && !(path.isEmpty && entry.key.hasPrefix("x-")) {
            var message = "unknown key '\(entry.key)'"
            if let suggestion = known.min(by: { editDistance($0, entry.key) < editDistance($1, entry.key) }),
                editDistance(suggestion, entry.key) <= 2
            {
                message += " (did you mean '\(suggestion)'?)"
            } else if !known.isEmpty {
                message += "; known keys here: \(known.sorted().joined(separator: ", "))"
            }
            sink.report(message, at: entry.keyNode, path: childPath(entry.key))
        }
    }
}

extension Node {
    var kindName: String {
        switch self {
        case .scalar: "value"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
