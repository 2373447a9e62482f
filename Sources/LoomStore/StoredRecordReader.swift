import LoomCore

/// Reads a record's stored JSON (the layout `Record.canonicalJSON` writes) straight from its bytes, stepping over
/// the answer checks without building them.
///
/// The quality stage reads every record of a run; `JSONDecoder` spent most of that stage's decoding time on
/// generic machinery. Anything this reader does not know (a member it has never seen, a value of another
/// kind) makes it give up with nil, and the caller decodes with `JSONDecoder` as before, so it can only be
/// faster, never stricter or looser.
enum StoredRecordReader {
    /// The record with empty checks, and whether the stored record had any; nil when the JSON is not in the
    /// stored layout.
    static func readWithoutChecks(_ body: String) -> RecordForReview? {
        var body = body
        return body.withUTF8 { bytes in
            var parser = JSONParser(bytes: bytes)
            return try? read(&parser)
        }
    }

    private struct Unknown: Error {}

    private static func read(_ parser: inout JSONParser) throws -> RecordForReview? {
        var id: String?
        var sampleID: String?
        var media: [String]?
        var turns: [Turn]?
        var type: QuestionType?
        var domain: Domain?
        var skill: Skill?
        var language: String?
        var options: [String]?
        var answerKey: String?
        var checkCount: Int?
        var provenance: Provenance?
        var flags: [QualityFlag]?
        var unknown = false
        try parser.forEachMember { (parser: inout JSONParser, key: String) throws(JSONParseError) in
            switch key {
            case "id": id = try parser.stringValue()
            case "sampleID": sampleID = try parser.stringValue()
            case "media": media = try parser.stringArray()
            case "turns": turns = try Self.turns(&parser)
            case "type": type = QuestionType(rawValue: try parser.stringValue())
            case "domain": domain = Domain(rawValue: try parser.stringValue())
            case "skill":
                if parser.skipNull() { return }
                skill = Skill(rawValue: try parser.stringValue())
                if skill == nil { unknown = true }
            case "language": language = try parser.stringValue()
            case "options": options = parser.skipNull() ? nil : try parser.stringArray()
            case "answerKey": answerKey = parser.skipNull() ? nil : try parser.stringValue()
            case "checks":
                var count = 0
                try parser.forEachElement { (parser: inout JSONParser) throws(JSONParseError) in
                    try parser.skipValue()
                    count += 1
                }
                checkCount = count
            case "provenance":
                provenance = try Self.provenance(&parser)
                if provenance == nil { unknown = true }
            case "flags": flags = try Self.flags(&parser)
            default:
                unknown = true
                try parser.skipValue()
            }
        }
        guard !unknown, let id, let sampleID, let media, let turns, let type, let domain, let language, let checkCount,
            let provenance, let flags, turns.allSatisfy({ $0.text != Self.badRole })
        else { return nil }
        let record = Record(
            id: id, sampleID: sampleID, media: media, turns: turns, type: type, domain: domain, skill: skill,
            language: language, options: options, answerKey: answerKey, checks: [], provenance: provenance, flags: flags)
        return RecordForReview(record: record, hasChecks: checkCount > 0)
    }

    /// Marks a turn whose role was not one `Role` knows (the whole read then gives up).
    private static let badRole = "\u{0}loom-bad-role"

    private static func turns(_ parser: inout JSONParser) throws(JSONParseError) -> [Turn] {
        var turns: [Turn] = []
        try parser.forEachElement { (parser: inout JSONParser) throws(JSONParseError) in
            var role: Role?
            var text: String?
            var other = false
            try parser.forEachMember { (parser: inout JSONParser, key: String) throws(JSONParseError) in
                switch key {
                case "role": role = Role(rawValue: try parser.stringValue())
                case "text": text = try parser.stringValue()
                default:
                    other = true
                    try parser.skipValue()
                }
            }
            if let role, let text, !other {
                turns.append(Turn(role: role, text: text))
            } else {
                turns.append(Turn(role: .user, text: badRole))
            }
        }
        return turns
    }

    private static func flags(_ parser: inout JSONParser) throws(JSONParseError) -> [QualityFlag]? {
        var flags: [QualityFlag] = []
        var complete = true
        try parser.forEachElement { (parser: inout JSONParser) throws(JSONParseError) in
            var code: String?
            var reason: String?
            try parser.forEachMember { (parser: inout JSONParser, key: String) throws(JSONParseError) in
                switch key {
                case "code": code = try parser.stringValue()
                case "reason": reason = try parser.stringValue()
                default:
                    complete = false
                    try parser.skipValue()
                }
            }
            if let code, let reason { flags.append(QualityFlag(code: code, reason: reason)) } else { complete = false }
        }
        return complete ? flags : nil
    }

    private static func provenance(_ parser: inout JSONParser) throws(JSONParseError) -> Provenance? {
        var generator: String?
        var template: String?
        var phrasing: Int?
        var seed: UInt64?
        var model: ModelProvenance?
        var translatedFrom: String?
        var complete = true
        try parser.forEachMember { (parser: inout JSONParser, key: String) throws(JSONParseError) in
            switch key {
            case "generator": generator = try parser.stringValue()
            case "template": template = try parser.stringValue()
            case "phrasing": phrasing = try int(&parser)
            case "seed":
                let value = try parser.integerValue()
                seed = value.negative && value.magnitude > 0 ? nil : value.magnitude
            case "model":
                if parser.skipNull() { return }
                model = try modelProvenance(&parser)
                if model == nil { complete = false }
            case "translatedFrom": translatedFrom = parser.skipNull() ? nil : try parser.stringValue()
            default:
                complete = false
                try parser.skipValue()
            }
        }
        guard complete, let generator, let template, let phrasing, let seed else { return nil }
        return Provenance(generator: generator, template: template, phrasing: phrasing, seed: seed, model: model, translatedFrom: translatedFrom)
    }

    private static func modelProvenance(_ parser: inout JSONParser) throws(JSONParseError) -> ModelProvenance? {
        var endpoint: String?
        var model: String?
        var prompt: String?
        var promptHash: String?
        var seedQuestions: [String] = []
        var promptTokens: Int?
        var completionTokens: Int?
        var cost: Double?
        var complete = true
        try parser.forEachMember { (parser: inout JSONParser, key: String) throws(JSONParseError) in
            switch key {
            case "endpoint": endpoint = try parser.stringValue()
            case "model": model = try parser.stringValue()
            case "prompt": prompt = try parser.stringValue()
            case "promptHash": promptHash = try parser.stringValue()
            case "seedQuestions": seedQuestions = try parser.stringArray()
            case "promptTokens": promptTokens = try int(&parser)
            case "completionTokens": completionTokens = try int(&parser)
            case "cost": cost = try parser.anyValue().doubleValue
            default:
                complete = false
                try parser.skipValue()
            }
        }
        guard complete, let endpoint, let model, let prompt, let promptHash, let promptTokens, let completionTokens, let cost
        else { return nil }
        return ModelProvenance(
            endpoint: endpoint, model: model, prompt: prompt, promptHash: promptHash, seedQuestions: seedQuestions,
            promptTokens: promptTokens, completionTokens: completionTokens, cost: cost)
    }

    private static func int(_ parser: inout JSONParser) throws(JSONParseError) -> Int? {
        let value = try parser.integerValue()
        guard value.magnitude <= UInt64(Int.max) else { return nil }
        return value.negative ? -Int(value.magnitude) : Int(value.magnitude)
    }
}
