/// Where replies are kept by request key, so that a resumed or repeated run does not pay for them again.
/// The run store implements it.
public protocol ResponseCache: Sendable {
    /// The reply stored for `key`, if any.
    func cachedReply(for key: String) throws -> ChatReply?
    /// Keeps `reply` under `key`. Returns once it is durable.
    func save(_ reply: ChatReply, for key: String, endpoint: String) async throws
}

/// A model behind a response cache: a request whose key is cached is answered from the cache (marked
/// `cached`, nothing paid); any other goes to the model and its reply is saved before it is returned. Given
/// `inFlight`, a request identical to one still on its way waits for that one's reply instead of being sent.
public struct CachedChatModel: ChatModel {
    public let model: any ChatModel
    public let cache: any ResponseCache
    /// Skip the lookup (`--no-cache`); replies are still saved, so a later run can use them.
    public let bypass: Bool
    public let inFlight: InFlightRequests?

    public init(model: any ChatModel, cache: any ResponseCache, bypass: Bool = false, inFlight: InFlightRequests? = nil) {
        self.model = model
        self.cache = cache
        self.bypass = bypass
        self.inFlight = inFlight
    }

    public var endpointName: String { model.endpointName }

    public func complete(_ request: ChatRequest) async throws -> ChatReply {
        let key = request.cacheKey
        if !bypass, var reply = try cache.cachedReply(for: key) {
            reply.cached = true
            return reply
        }
        let reply: ChatReply
        if let inFlight {
            reply = try await inFlight.reply(to: request, through: model)
        } else {
            reply = try await model.complete(request)
        }
        // A reply shared by an identical request in flight is saved by the one that paid for it.
        if !reply.cached { try await cache.save(reply, for: key, endpoint: model.endpointName) }
        return reply
    }
}
