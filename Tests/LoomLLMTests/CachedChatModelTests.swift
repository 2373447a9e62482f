import LoomLLM
import LoomMockModel
import Synchronization
import Testing

/// A response cache in memory.
final class MemoryCache: ResponseCache {
    private let replies = Mutex<[String: ChatReply]>([:])

    var count: Int { replies.withLock { $0.count } }

    func cachedReply(for key: String) throws -> ChatReply? { replies.withLock { $0[key] } }

    func save(_ reply: ChatReply, for key: String, endpoint: String) async throws {
        replies.withLock { $0[key] = reply }
    }
}

@Suite struct CachedChatModelTests {
    @Test func aRepeatedRequestIsAnsweredFromTheCache() async throws {
        try await withMockEndpoint({ _ in .completion(text: "paid for once", usage: MockUsage(prompt: 5, completion: 3)) }) {
            server, client in
            let cache = MemoryCache()
            let model = CachedChatModel(model: client, cache: cache)
            let request = ChatRequest(model: "mock-model", messages: [.user("q")], seed: 1)
            let first = try await model.complete(request)
            #expect(!first.cached)
            #expect(server.requestCount == 1)
            let second = try await model.complete(request)
            #expect(second.cached)
            #expect(second.text == "paid for once")
            #expect(second.usage == first.usage)
            #expect(server.requestCount == 1)
            #expect(model.endpointName == "mock")
            // A different request goes to the endpoint; bypass skips the lookup but still saves.
            _ = try await model.complete(request.appending([.user("more")]))
            #expect(server.requestCount == 2)
            let bypass = CachedChatModel(model: client, cache: cache, bypass: true)
            let fresh = try await bypass.complete(request)
            #expect(!fresh.cached)
            #expect(server.requestCount == 3)
            #expect(cache.count == 2)
        }
    }
}
