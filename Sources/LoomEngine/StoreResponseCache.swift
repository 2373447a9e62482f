import Foundation
import LoomCore
import LoomLLM
import LoomStore

/// The run store as the model client's response cache. Each reply is saved in its own transaction the
/// moment it arrives, attributed to the stage and item that asked and priced, so that a kill before the
/// item's results commit loses nothing that was paid for, and `loom status` can say what each stage cost.
struct StoreResponseCache: ResponseCache {
    let store: RunStore
    let stage: Stage
    let item: String
    let model: String
    let price: ModelPrice

    func cachedReply(for key: String) throws -> ChatReply? {
        guard let stored = try store.response(key: key) else { return nil }
        return try? JSONDecoder().decode(ChatReply.self, from: Data(stored.body.utf8))
    }

    func save(_ reply: ChatReply, for key: String, endpoint: String) async throws {
        let body = String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
        let response = StoredResponse(
            key: key, stage: stage.rawValue, item: item, endpoint: endpoint, model: reply.model ?? model,
            promptTokens: reply.usage.prompt, completionTokens: reply.usage.completion, cost: price.cost(of: reply.usage),
            body: body)
        let store = store
        // SQLite blocks: keep it off the cooperative pool.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            StoreResponseCache.queue.async {
                continuation.resume(with: Result { try store.saveResponse(response) })
            }
        }
    }

    private static let queue = DispatchQueue(label: "loom.store.responses")
}
