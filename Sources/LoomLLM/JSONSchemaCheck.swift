import Foundation
import LoomCore

/// Checks a JSON value against the subset of JSON Schema Loom's reply schemas use, with messages that point at the
/// place: `answers[2].options: expected 4 items, got 3`. The messages are written for the model to read in a
/// correction turn as much as for people.
///
/// Understood: `type` (a name or a list of names), `enum`, `const`, `properties`, `required`,
/// `additionalProperties` (false or a schema), `items`, `minItems`, `maxItems`, `minLength`, `maxLength`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `anyOf`/`oneOf` (as "any of"), and local `$ref`s
/// into `$defs` or `definitions`. Anything else is ignored.
public struct JSONSchemaCheck: Sendable, Hashable {
    /// The schema, parsed.
    public let schema: JSONValue

    /// A checker for a parsed schema.
    public init(schema: JSONValue) {
        self.schema = schema
    }

    /// A checker for a schema given as JSON text.
    public init(json: String) throws(JSONParseError) {
        schema = try JSONValue.parse(Array(json.utf8))
    }

    /// A checker for a request's response schema.
    public init(_ schema: ResponseSchema) throws(JSONParseError) {
        try self.init(json: schema.json)
    }

    /// Every way `value` breaks the schema, up to `limit`, in document order.
    public func problems(in value: JSONValue, limit: Int = 10) -> [String] {
        var found: [String] = []
        visit(schema, value, path: "", into: &found, limit: max(1, limit), depth: 0)
        return found
    }

    /// Throws the first few problems, joined with "; ", as a `ReplyProblem`.
    public func check(_ value: JSONValue) throws(ReplyProblem) {
        let found = problems(in: value, limit: 4)
        guard !found.isEmpty else { return }
        throw ReplyProblem(found.joined(separator: "; "))
    }

    private func visit(
        _ schema: JSONValue, _ value: JSONValue, path: String, into found: inout [String], limit: Int, depth: Int
    ) {
        guard found.count < limit, depth < 64, case .object(var rules) = schema else { return }
        if let reference = rules["$ref"]?.stringValue, let target = resolve(reference) {
            visit(target, value, path: path, into: &found, limit: limit, depth: depth + 1)
            rules["$ref"] = nil
        }
        func report(_ message: String) {
            if found.count < limit { found.append(path.isEmpty ? message : "\(path): \(message)") }
        }

        if let type = rules["type"] {
            let names: [String]
            switch type {
            case .string(let name): names = [name]
            case .array(let list): names = list.compactMap(\.stringValue)
            default: names = []
            }
            if !names.isEmpty && !names.contains(where: { JSONSchemaCheck.value(value, hasType: $0) }) {
                let expected = names.map(JSONSchemaCheck.typeName).joined(separator: " or ")
                report("expected \(expected), got \(JSONSchemaCheck.describe(value))")
                return
            }
        }
        if case .array(let options)? = rules["enum"], !options.contains(where: { JSONSchemaCheck.same($0, value) }) {
            let listed = options.prefix(12).map { CompletionDecoder.clip($0.jsonText, to: 40) }.joined(separator: ", ")
            report("expected one of \(listed)\(options.count > 12 ? ", …" : ""), got \(JSONSchemaCheck.describe(value))")
            return
        }
        if let constant = rules["const"], !JSONSchemaCheck.same(constant, value) {
            report("expected \(CompletionDecoder.clip(constant.jsonText, to: 40)), got \(JSONSchemaCheck.describe(value))")
            return
        }
        for key in ["anyOf", "oneOf"] {
            guard case .array(let alternatives)? = rules[key], !alternatives.isEmpty else { continue }
            let fits = alternatives.contains { alternative in
                var trial: [String] = []
                visit(alternative, value, path: path, into: &trial, limit: 1, depth: depth + 1)
                return trial.isEmpty
            }
            if !fits {
                report("matches none of the \(alternatives.count) allowed forms")
                return
            }
        }

        switch value {
        case .object(let members):
            if case .array(let required)? = rules["required"] {
                for case .string(let key) in required where members[key] == nil {
                    report("missing \(JSONText.quoted(key))")
                }
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = rules["properties"] { properties = declared }
            // Document order is not kept by the parser: sorted keys make messages stable.
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if let propertySchema = properties[key] {
                    visit(propertySchema, member, path: childPath, into: &found, limit: limit, depth: depth + 1)
                } else {
                    switch rules["additionalProperties"] {
                    case .bool(false)?: report("unexpected member \(JSONText.quoted(key))")
                    case let extra? where extra != .bool(true):
                        visit(extra, member, path: childPath, into: &found, limit: limit, depth: depth + 1)
                    default: break
                    }
                }
            }
        case .array(let elements):
            let minimum = JSONSchemaCheck.count(rules["minItems"])
            let maximum = JSONSchemaCheck.count(rules["maxItems"])
            if let minimum, let maximum, minimum == maximum, elements.count != minimum {
                report("expected \(JSONSchemaCheck.items(minimum)), got \(elements.count)")
            } else if let minimum, elements.count < minimum {
                report("expected at least \(JSONSchemaCheck.items(minimum)), got \(elements.count)")
            } else if let maximum, elements.count > maximum {
                report("expected at most \(JSONSchemaCheck.items(maximum)), got \(elements.count)")
            }
            var prefix: [JSONValue] = []
            if case .array(let tuple)? = rules["prefixItems"] { prefix = tuple }
            for (index, element) in elements.enumerated() {
                let elementSchema = index < prefix.count ? prefix[index] : rules["items"]
                guard let elementSchema else { continue }
                visit(elementSchema, element, path: "\(path)[\(index)]", into: &found, limit: limit, depth: depth + 1)
            }
        case .string(let text):
            let length = text.count
            if let minimum = JSONSchemaCheck.count(rules["minLength"]), length < minimum {
                report("expected at least \(JSONSchemaCheck.characters(minimum)), got \(length)")
            }
            if let maximum = JSONSchemaCheck.count(rules["maxLength"]), length > maximum {
                report("expected at most \(JSONSchemaCheck.characters(maximum)), got \(length)")
            }
        case .integer, .number:
            guard let number = value.doubleValue else { break }
            if let minimum = rules["minimum"]?.doubleValue, number < minimum {
                report("expected at least \(JSONSchemaCheck.format(minimum)), got \(JSONSchemaCheck.format(number))")
            }
            if let maximum = rules["maximum"]?.doubleValue, number > maximum {
                report("expected at most \(JSONSchemaCheck.format(maximum)), got \(JSONSchemaCheck.format(number))")
            }
            if let bound = rules["exclusiveMinimum"]?.doubleValue, number <= bound {
                report("expected more than \(JSONSchemaCheck.format(bound)), got \(JSONSchemaCheck.format(number))")
            }
            if let bound = rules["exclusiveMaximum"]?.doubleValue, number >= bound {
                report("expected less than \(JSONSchemaCheck.format(bound)), got \(JSONSchemaCheck.format(number))")
            }
        case .null, .bool:
            break
        }
    }

    /// The schema a local reference (`#/$defs/name`, any JSON pointer from the root) points at.
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = schema
        for token in reference.dropFirst().split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object(let members):
                guard let next = members[key] else { return nil }
                node = next
            case .array(let elements):
                guard let index = Int(key), elements.indices.contains(index) else { return nil }
                node = elements[index]
            default:
                return nil
            }
        }
        return node
    }

    private static func value(_ value: JSONValue, hasType name: String) -> Bool {
        switch (name, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): return true
        case ("number", .integer), ("number", .number), ("integer", .integer): return true
        case ("integer", .number(let number)): return number.rounded() == number && abs(number) < 9e15
        default: return false
        }
    }

    private static func typeName(_ name: String) -> String {
        switch name {
        case "object": return "an object"
        case "array": return "an array"
        case "string": return "a string"
        case "integer": return "an integer"
        case "number": return "a number"
        case "boolean": return "a boolean"
        case "null": return "null"
        default: return name
        }
    }

    /// "a string (\"abc\")", "a number (3.5)", "an array of 2 items", … : enough to see what was sent.
    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "\(flag)"
        case .integer, .number: return "\(value.kindName) (\(value.jsonText))"
        case .string(let text): return "a string (\(CompletionDecoder.clip(JSONText.quoted(text), to: 40)))"
        case .array(let elements): return "an array of \(items(elements.count))"
        case .object: return "an object"
        }
    }

    private static func items(_ count: Int) -> String { count == 1 ? "1 item" : "\(count) items" }

    private static func characters(_ count: Int) -> String { count == 1 ? "1 character" : "\(count) characters" }

    private static func count(_ value: JSONValue?) -> Int? {
        guard let number = value?.doubleValue, number >= 0, number < 1e9 else { return nil }
        return Int(number)
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }

    /// Equality where 3 and 3.0 are the same number.
    private static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }
}
