import LoomCore
import LoomLLM
import LoomRecipe

/// Asks each endpoint a recipe's model stages use for its model list before the run does anything else, so that
/// a refused key stops the run before hours of ingest, and a wrong address or model name is pointed out at once.
///
/// Only a refused key stops the run. A server that does not answer yet may be one still loading its model (vLLM
/// takes minutes), started beside the run; it gets a note, as does an address with no model list and a model the
/// list does not name (llama.cpp lists its file, whatever name the recipe gives).
enum EndpointPreflight {
    static func check(_ recipe: Recipe, observer: RunObserver?) async throws {
        let endpoints = try ModelEndpoints(recipe: recipe)
        do {
            for name in endpoints.clients.keys.sorted() {
                let (client, settings) = try endpoints.endpoint(name)
                if let note = try verdict(await client.checkEndpoint(), settings) { observer?(.note(note)) }
            }
        } catch {
            await endpoints.shutdown()
            throw error
        }
        await endpoints.shutdown()
    }

    /// The note for what the check found; throws when the key was refused.
    static func verdict(_ check: OpenAIClient.EndpointCheck, _ endpoint: ModelEndpoint) throws -> String? {
        let name = endpoint.name
        switch check {
        case .refused(let error):
            throw LoomError(
                .model, error.description + ModelItemRunner.advice(for: error) + " (found before any work)",
                subject: "models.\(name)")
        case .unreachable(let reason):
            return "endpoint \(name) does not answer at \(endpoint.baseURL) yet (\(reason)); the run goes on, and its model stages will need it"
        case .noList(let url):
            let hint = endpoint.baseURL.hasSuffix("/v1") ? "" : "; most servers serve the API under /v1: if the model stages fail with 'not found', try base_url \(endpoint.baseURL)/v1"
            return "endpoint \(name) has no model list at \(url)\(hint)"
        case .models(let ids):
            // Ollama lists "llava:latest" for a model asked for as "llava".
            guard !ids.isEmpty, !ids.contains(endpoint.model), !ids.contains(endpoint.model + ":latest") else { return nil }
            let shown = ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", …" : "")
            return "endpoint \(name) lists \(ids.count) model\(ids.count == 1 ? "" : "s") (\(shown)) and '\(endpoint.model)' is not among them; if the model stages fail with 'model not found', check the name"
        case .unclear(let what):
            return "endpoint \(name) answered its model list oddly (\(what)); the run goes on"
        }
    }
}
