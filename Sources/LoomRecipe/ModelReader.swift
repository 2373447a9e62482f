import Foundation
import LoomCore
import Yams

/// Reads the model endpoints (`models:`) and the model stages (`stages.caption`, `stages.questions`,
/// `stages.conversation`, `stages.multi_vqa`, `stages.syphus`, `stages.verify`, `stages.translate`) of a recipe.
enum ModelReader {
    /// Reads `models:`: a list of endpoints.
    /// - Parameter environment: where the `api_key_env` variables must be set; nil skips that check.
    static func readEndpoints(_ top: MappingReader, sink: DiagnosticSink, environment: [String: String]?) -> [ModelEndpoint] {
        var endpoints: [ModelEndpoint] = []
        for (index, node) in (top.sequence("models") ?? []).enumerated() {
            let path = "models[\(index)]"
            guard let reader = MappingReader(node, path: path, sink: sink) else { continue }
            let name = reader.string("name", default: "")
            if name.isEmpty { sink.report("an endpoint needs a 'name' that stages refer to", at: node, path: path) }
            if endpoints.contains(where: { $0.name == name }) { reader.report("another endpoint is already named '\(name)'", key: "name") }
            let baseURL = reader.string("base_url", default: "")
            if baseURL.isEmpty {
                sink.report("an endpoint needs a 'base_url', e.g. http://127.0.0.1:8000/v1", at: node, path: path)
            } else if URL(string: baseURL)?.host == nil || !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
                reader.report("'\(baseURL)' is not an http:// or https:// URL", key: "base_url")
            } else if let trimmed = Self.apiBase(ofEndpointURL: baseURL) {
                reader.report("base_url is the API's base, without the endpoint Loom adds: use '\(trimmed)'", key: "base_url")
            }
            let model = reader.string("model", default: "")
            if model.isEmpty { sink.report("an endpoint needs the 'model' to request", at: node, path: path) }
            var endpoint = ModelEndpoint(name: name, baseURL: baseURL, model: model)
            if reader.has("api_key") {
                // Keys stay out of recipes (they get shared and committed): the recipe names a variable instead.
                reader.report(
                    "a recipe does not hold the API key itself: put it in an environment variable and name that with api_key_env (e.g. api_key_env: OPENAI_API_KEY)",
                    key: "api_key")
            }
            if reader.has("api_key_env") {
                let given = reader.string("api_key_env", default: "")
                let variable = Self.variableName(given)
                if variable == nil {
                    // Never repeated back: it may well be the key itself, and messages end up in logs.
                    reader.report(
                        "api_key_env takes the name of the environment variable that holds the key (letters, digits and _, e.g. OPENAI_API_KEY), not the key itself",
                        key: "api_key_env")
                } else if let variable, variable != given {
                    reader.report("api_key_env takes the variable's bare name: write '\(variable)', not '\(given)'", key: "api_key_env")
                } else if let variable, let environment, (environment[variable] ?? "").isEmpty {
                    reader.report("the environment variable \(variable) (the API key) is not set", key: "api_key_env")
                }
                endpoint.apiKeyEnvironment = variable ?? given
            }
            endpoint.concurrency = reader.int("concurrency", default: 16, in: 1...4096)
            endpoint.maxConcurrency = reader.int("max_concurrency", default: endpoint.concurrency * 4, in: 1...4096)
            if endpoint.maxConcurrency < endpoint.concurrency {
                reader.report("max_concurrency (\(endpoint.maxConcurrency)) is below concurrency (\(endpoint.concurrency))", key: "max_concurrency")
            }
            if reader.has("requests_per_minute") {
                endpoint.requestsPerMinute = reader.int("requests_per_minute", default: 60, in: 1...10_000_000)
            }
            if reader.has("tokens_per_minute") {
                endpoint.tokensPerMinute = reader.int("tokens_per_minute", default: 100_000, in: 1...1_000_000_000)
            }
            endpoint.timeout = reader.double("timeout", default: endpoint.timeout, in: 0.1...3600)
            endpoint.retries = reader.int("retries", default: endpoint.retries, in: 0...50)
            endpoint.structuredOutput = reader.string(
                "structured_output", default: "auto", allowed: ModelEndpoint.structuredOutputModes)
            endpoint.stream = reader.bool("stream", default: false)
            endpoint.imageDetail = reader.string("image_detail", default: "auto", allowed: ["auto", "low", "high"])
            if let price = reader.mapping("price") {
                endpoint.inputPrice = price.double("input", default: 0, in: 0...10_000)
                endpoint.outputPrice = price.double("output", default: 0, in: 0...10_000)
                if price.has("cached_input") {
                    endpoint.cachedInputPrice = price.double("cached_input", default: 0, in: 0...10_000)
                }
                price.finish()
            }
            reader.finish()
            endpoints.append(endpoint)
        }
        return endpoints
    }

    /// Reads the model stages under `stages:`; `endpoints` are the names they may call.
    static func readStages(_ stages: MappingReader, endpoints: [String], knownDomains: [Domain]?) -> ModelStages {
        var result = ModelStages()
        func call(_ reader: MappingReader, temperature: Double?, maxTokens: Int) -> ModelCallSettings {
            let endpoint = reader.string("model", default: endpoints.first ?? "")
            if !reader.has("model") && endpoints.count != 1 {
                reader.report("name the endpoint this stage calls: 'model: <name of an entry under models>'", key: "model")
            } else if endpoints.isEmpty {
                reader.report("this stage calls a model, but the recipe has no 'models:' list of endpoints", key: "model")
            } else if !endpoints.contains(endpoint) {
                reader.report("no endpoint is named '\(endpoint)'; the recipe's endpoints are: \(endpoints.joined(separator: ", "))", key: "model")
            }
            var settings = ModelCallSettings(endpoint: endpoint)
            if reader.has("temperature") || temperature != nil {
                settings.temperature = reader.double("temperature", default: temperature ?? 0.7, in: 0...2)
            }
            settings.maxTokens = reader.int("max_tokens", default: maxTokens, in: 16...200_000)
            settings.corrections = reader.int("corrections", default: 2, in: 0...10)
            return settings
        }
        if let reader = stages.mapping("caption") {
            result.caption = .init(call: call(reader, temperature: 0.2, maxTokens: 1024))
            if let domains = reader.stringList("domains", allowed: knownDomains?.map(\.rawValue) ?? []) {
                result.domains = domains.map(Domain.init(rawValue:))
            }
            reader.finish()
        }
        if let reader = stages.mapping("questions") {
            let settings = call(reader, temperature: 0.7, maxTokens: 2048)
            var types: [QuestionType] = [.judgement, .multipleChoice, .shortVQA, .longVQA]
            if let names = reader.stringList("types", allowed: types.map(\.rawValue)) {
                types = names.compactMap(QuestionType.init(rawValue:))
                if names.isEmpty { reader.report("name at least one question type", key: "types") }
            }
            result.questions = .init(
                call: settings, types: types, perCall: reader.int("per_call", default: 3, in: 1...20),
                seedQuestions: reader.int("seed_questions", default: 3, in: 0...10),
                domainsPerImage: reader.int("domains_per_image", default: 1, in: 1...5))
            reader.finish()
        }
        if let reader = stages.mapping("conversation") {
            result.conversation = .init(
                call: call(reader, temperature: 0.7, maxTokens: 3072), turns: reader.int("turns", default: 5, in: 2...12))
            reader.finish()
        }
        if let reader = stages.mapping("multi_vqa") {
            let settings = call(reader, temperature: 0.7, maxTokens: 2048)
            var skills: [Skill] = [.coreference, .comparison, .reasoning]
            if let names = reader.stringList("skills", allowed: Skill.allCases.map(\.rawValue)) {
                skills = names.compactMap(Skill.init(rawValue:))
            }
            result.multiVQA = .init(
                call: settings, sets: reader.int("sets", default: 10, in: 0...10_000_000),
                images: reader.range("images", default: 2...4, in: 2...6), questions: reader.int("questions", default: 3, in: 1...20),
                skills: skills)
            reader.finish()
        }
        if let reader = stages.mapping("syphus") {
            let settings = call(reader, temperature: 0.7, maxTokens: 2048)
            let subsets = reader.stringList("subsets", allowed: []) ?? ["llava_conversation"]
            if subsets.isEmpty { reader.report("name at least one Syphus subset", key: "subsets") }
            result.syphus = .init(call: settings, subsets: subsets, pairs: reader.int("pairs", default: 4, in: 1...20))
            reader.finish()
        }
        if let reader = stages.mapping("verify") {
            result.verify = .init(call: call(reader, temperature: 0, maxTokens: 512), flag: reader.bool("flag", default: true))
            reader.finish()
        }
        if let reader = stages.mapping("translate") {
            let settings = call(reader, temperature: 0, maxTokens: 4096)
            let languages = reader.stringList("languages", allowed: []) ?? []
            if languages.isEmpty { reader.report("name the languages to translate into, e.g. [zh, es, ja, fr, ko, ar, de]", key: "languages") }
            result.translate = .init(call: settings, languages: languages, from: reader.string("from", default: "en"))
            reader.finish()
        }
        return result
    }

    /// The variable name in an `api_key_env` value: the value itself when it is a bare name, the name inside
    /// `$NAME` or `${NAME}` (a shell habit), nil when it is no name at all (a key pasted in, say).
    static func variableName(_ value: String) -> String? {
        var name = Substring(value)
        if name.hasPrefix("${"), name.hasSuffix("}") {
            name = name.dropFirst(2).dropLast()
        } else if name.hasPrefix("$") {
            name = name.dropFirst()
        }
        guard let first = name.unicodeScalars.first, first == "_" || ("A"..."Z").contains(first) || ("a"..."z").contains(first),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { return nil }
        return String(name)
    }

    /// The API base of a `base_url` given as a whole endpoint (`…/v1/chat/completions`), or nil when it is a base.
    static func apiBase(ofEndpointURL url: String) -> String? {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        for endpoint in ["/chat/completions", "/completions", "/responses"] where trimmed.hasSuffix(endpoint) {
            return String(trimmed.dropLast(endpoint.count))
        }
        return nil
    }
}
