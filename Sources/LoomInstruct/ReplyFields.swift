import LoomCore
import LoomLLM

/// Typed access to a JSON object of a model's reply, with problems worded for a correction turn
/// ("questions[2].options: expected 4 items, got 3").
struct ReplyFields {
    let members: [String: JSONValue]
    /// Where this object sits in the reply, for messages ("questions[2]").
    let path: String

    init(_ value: JSONValue, path: String = "") throws(ReplyProblem) {
        guard case .object(let members) = value else {
            throw ReplyProblem("\(path.isEmpty ? "the reply" : path) must be a JSON object, not \(value.kindName)")
        }
        self.members = members
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A required string; text is cleaned (`ModelText.clean`) and must not be empty. A number or a boolean where
    /// text is asked is taken as its words (`"answer": 3` → "3", `true` → "yes"): models without a schema write
    /// them for counts and judgements, and a correction turn for it would be paid for nothing.
    func text(_ key: String, maxLength: Int = ModelText.maxLength) throws(ReplyProblem) -> String {
        guard let value = members[key] else { throw ReplyProblem("\(name(key)) is missing") }
        let raw: String
        switch value {
        case .string(let text): raw = text
        case .integer(let number): raw = String(number)
        case .number(let number) where number.isFinite: raw = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): raw = flag ? "yes" : "no"
        default: throw ReplyProblem("\(name(key)) must be a string, not \(value.kindName)")
        }
        let cleaned = ModelText.clean(raw)
        if cleaned.isEmpty { throw ReplyProblem("\(name(key)) is empty") }
        if cleaned.count > maxLength { throw ReplyProblem("\(name(key)) is longer than \(maxLength) characters") }
        return cleaned
    }

    /// A required array.
    func array(_ key: String) throws(ReplyProblem) -> [JSONValue] {
        guard let value = members[key] else { throw ReplyProblem("\(name(key)) is missing") }
        guard case .array(let items) = value else { throw ReplyProblem("\(name(key)) must be an array, not \(value.kindName)") }
        return items
    }

    /// An optional array of strings, each cleaned (placeholders kept when asked) and at most `maxLength`
    /// characters; nil when absent or null.
    func texts(_ key: String, keepPlaceholders: Bool = false, maxLength: Int = ModelText.maxLength) throws(ReplyProblem) -> [String]? {
        guard let value = members[key], value != .null else { return nil }
        guard case .array(let items) = value else { throw ReplyProblem("\(name(key)) must be an array, not \(value.kindName)") }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let raw) = item else {
                throw ReplyProblem("\(name(key))[\(index)] must be a string, not \(item.kindName)")
            }
            let cleaned = ModelText.clean(raw, keepPlaceholders: keepPlaceholders)
            if cleaned.count > maxLength {
                throw ReplyProblem("\(name(key))[\(index)] is longer than \(maxLength) characters")
            }
            result.append(cleaned)
        }
        return result
    }

    /// A required boolean; the strings "true" and "false" are taken as one.
    func bool(_ key: String) throws(ReplyProblem) -> Bool {
        guard let value = members[key] else { throw ReplyProblem("\(name(key)) is missing") }
        guard let flag = Self.boolean(value) else { throw ReplyProblem("\(name(key)) must be true or false, not \(value.kindName)") }
        return flag
    }

    /// An optional boolean (absent or null → nil); the strings "true" and "false" are taken as one.
    func optionalBool(_ key: String) throws(ReplyProblem) -> Bool? {
        guard let value = members[key], value != .null else { return nil }
        guard let flag = Self.boolean(value) else { throw ReplyProblem("\(name(key)) must be true, false or null, not \(value.kindName)") }
        return flag
    }

    private static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .string(let text) where text.lowercased() == "true": true
        case .string(let text) where text.lowercased() == "false": false
        default: nil
        }
    }

    /// An optional array of integers.
    func integers(_ key: String) throws(ReplyProblem) -> [Int]? {
        guard let value = members[key], value != .null else { return nil }
        guard case .array(let items) = value else { throw ReplyProblem("\(name(key)) must be an array, not \(value.kindName)") }
        var result: [Int] = []
        for (index, item) in items.enumerated() {
            switch item {
            case .integer(let number) where number >= Int64(Int.min) && number <= Int64(Int.max): result.append(Int(number))
            case .number(let number) where number.rounded() == number && abs(number) < 1e9: result.append(Int(number))
            default: throw ReplyProblem("\(name(key))[\(index)] must be an integer, not \(item.kindName)")
            }
        }
        return result
    }

    /// The objects of a required array.
    func objects(_ key: String) throws(ReplyProblem) -> [ReplyFields] {
        var result: [ReplyFields] = []
        for (index, item) in try array(key).enumerated() {
            result.append(try ReplyFields(item, path: "\(name(key))[\(index)]"))
        }
        return result
    }
}
