import LoomCore

/// Reads a record's stored body (`Record.detailsJSON`, or an older store's whole-record JSON) straight from its
/// bytes, stepping over the answer checks without building them.
///
/// The quality stage reads every record of a run; `JSONDecoder` spent most of that stage's decoding time on
/// generic machinery. Anything this reader does not know (a member it has never seen, a value of another
/// kind) makes it give up with nil, and the caller decodes with `JSONDecoder` as before, so it can only be
/// faster, never stricter or looser.
enum StoredRecordReader {
    /// The members of a body the record's other columns do not hold, with its checks counted.
    struct Details {
        var options: [String]?
        var answerKey: String?
        var checkCount: Int
        var provenance: Provenance
        var flags: [QualityFlag]
    }

    /// The body's details with the checks counted, not built; nil when the JSON is not in the stored layout.
    static func detailsWithoutChecks(_ body: String) -> Details? {
        var body = body
        return body.withUTF8 { bytes in
            var parser = JSONParser(bytes: bytes)
            return try? read(&parser)
        }
    }

    /// Members of an older store's whole-record body that the record's columns also hold: skipped.
    private static let columnMembers: Set<String> = ["id", "sampleID", "media", "turns", "type", "domain", "skill", "language"]

    private static func read(_ parser: inout JSONParser) throws -> Details? {
        var options: [String]?
        var answerKey: String?
        var checkCount: Int?
        var provenance: Provenance?
        var flags: [QualityFlag]?
        var unknown = false
        try parser.forEachMember { (parser: inout JSONParser, key: String) throws(JSONParseError) in
            switch key {
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
            case let key where columnMembers.contains(key):
                try parser.skipValue()
            default:
                unknown = true
                try parser.skipValue()
            }
        }
        guard !unknown, let checkCount, let provenance, let flags else { return nil }
        return Details(options: options, answerKey: answerKey, checkCount: checkCount, provenance: provenance, flags: flags)
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
