import Foundation
import LoomCore
import LoomInstruct
import LoomLLM
import LoomRecipe

/// The clients of a recipe's endpoints, one per endpoint (each with its own connection pool and adaptive
/// concurrency), with their prices.
final class ModelEndpoints: Sendable {
    let clients: [String: OpenAIClient]
    let endpoints: [String: ModelEndpoint]

    /// - Parameter observer: told of each model call that waits to be retried (`RunEvent.retrying`).
    /// - Parameter stop: the user's request to stop: once made, no call is retried.
    init(
        recipe: Recipe, observer: RunObserver? = nil, stop: RunStop? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var clients: [String: OpenAIClient] = [:]
        var endpoints: [String: ModelEndpoint] = [:]
        let used = Set(recipe.modelStages.endpointNames)
        for endpoint in recipe.models where used.contains(endpoint.name) {
            var key: String?
            if let variable = endpoint.apiKeyEnvironment {
                key = environment[variable]
                if key?.isEmpty ?? true {
                    throw LoomError(.recipe, "the environment variable \(variable) (the API key) is not set", subject: "models.\(endpoint.name)")
                }
            }
            let configuration = EndpointConfiguration(
                name: endpoint.name, baseURL: endpoint.baseURL, model: endpoint.model, apiKey: key,
                concurrency: endpoint.concurrency, maxConcurrency: endpoint.maxConcurrency,
                requestsPerMinute: endpoint.requestsPerMinute, tokensPerMinute: endpoint.tokensPerMinute,
                timeout: endpoint.timeout, maxRetries: endpoint.retries,
                structuredOutput: StructuredOutputMode(rawValue: endpoint.structuredOutput) ?? .auto, stream: endpoint.stream)
            clients[endpoint.name] = OpenAIClient(
                configuration: configuration, retryObserver: Self.retryObserver(observer), maySend: Self.maySend(stop))
            endpoints[endpoint.name] = endpoint
        }
        self.clients = clients
        self.endpoints = endpoints
    }

    /// Passes the client's retry notices on as run events.
    private static func retryObserver(_ observer: RunObserver?) -> (@Sendable (RetryNotice) -> Void)? {
        guard let observer else { return nil }
        return { (notice: RetryNotice) in
            observer(.retrying(
                endpoint: notice.endpoint, retry: notice.retry, of: notice.maxRetries, delay: notice.delay, reason: notice.reason))
        }
    }

    /// Whether a call may be retried: not once the user asked the run to stop.
    private static func maySend(_ stop: RunStop?) -> (@Sendable () -> Bool)? {
        guard let stop else { return nil }
        return { () -> Bool in !stop.isRequested }
    }

    /// The client and settings of a stage's endpoint.
    func endpoint(_ name: String) throws -> (client: OpenAIClient, settings: ModelEndpoint) {
        guard let client = clients[name], let settings = endpoints[name] else {
            throw LoomError(.recipe, "no endpoint is named '\(name)'", subject: "models")
        }
        return (client, settings)
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
    }
}

extension ModelEndpoint {
    var price: ModelPrice {
        ModelPrice(inputPerMillion: inputPrice, outputPerMillion: outputPrice, cachedInputPerMillion: cachedInputPrice)
    }
    var detail: ChatImage.Detail { ChatImage.Detail(rawValue: imageDetail) ?? .auto }
}

extension ModelCallSettings {
    /// The sampling parameters this stage's requests carry.
    var sampling: SamplingSettings { SamplingSettings(temperature: temperature, maxTokens: maxTokens) }
}
