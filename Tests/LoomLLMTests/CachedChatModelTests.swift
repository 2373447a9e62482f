@testable import LoomLLM
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

/// A model whose replies wait until the test lets them go, counting the requests it was sent.
final class GatedModel: ChatModel {
    private let state = Mutex<(calls: Int, gates: [CheckedContinuation<Void, Never>])>((0, []))
    let fails: Bool

    init(fails: Bool = false) { self.fails = fails }

    var endpointName: String { "gated" }
    var calls: Int { state.withLock { $0.calls } }
    var waiting: Int { state.withLock { $0.gates.count } }

    func complete(_ request: ChatRequest) async throws -> ChatReply {
        await withCheckedContinuation { gate in state.withLock { $0.calls += 1; $0.gates.append(gate) } }
        if fails { throw ModelError(.server, endpoint: "gated", message: "down") }
        return ChatReply(text: "once", usage: TokenUsage(prompt: 5, completion: 1))
    }

    /// Lets every waiting reply go.
    func open() { for gate in state.withLock({ state in defer { state.gates = [] }; return state.gates }) { gate.resume() } }
}

@Suite struct InFlightRequestTests {
    @Test("an identical request sent while the first is in flight waits for its reply: paid for and saved once")
    func identicalRequestsInFlightAreSentOnce() async throws {
        let model = GatedModel()
        let cache = MemoryCache()
        let inFlight = InFlightRequests()
        let cached = CachedChatModel(model: model, cache: cache, inFlight: inFlight)
        let request = ChatRequest(model: "m", messages: [.user("q")], seed: 1)
        async let first = cached.complete(request)
        async let second = cached.complete(request)
        // Both callers are in: one waits at the model, the other for the first's reply. (Yielding, not sleeping.)
        while model.waiting < 1 || inFlight.waiters(for: request.cacheKey) < 1 { await Task.yield() }
        model.open()
        let replies = try await [first, second]
        #expect(model.calls == 1 && cache.count == 1)
        #expect(replies.map(\.text) == ["once", "once"] && replies.filter(\.cached).count == 1)
    }

    @Test("a waiter whose leader failed sends its own request")
    func aWaiterOfAFailedRequestSendsItsOwn() async throws {
        let model = GatedModel(fails: true)
        let inFlight = InFlightRequests()
        let request = ChatRequest(model: "m", messages: [.user("q")], seed: 1)
        async let first: ChatReply? = try? inFlight.reply(to: request, through: model)
        async let second: ChatReply? = try? inFlight.reply(to: request, through: model)
        while model.waiting < 1 || inFlight.waiters(for: request.cacheKey) < 1 { await Task.yield() }
        model.open()
        // The waiter's own request now waits at the model.
        while model.waiting < 1 { await Task.yield() }
        model.open()
        let replies = await [first, second]
        #expect(model.calls == 2 && replies.allSatisfy { $0 == nil })
    }
}
