/// Something that answers chat-completion requests: an endpoint client, or a cache in front of one.
public protocol ChatModel: Sendable {
    /// The endpoint's name, for messages and cost accounting.
    var endpointName: String { get }
    /// Sends the request (retrying what can be retried) and returns the reply, or throws a `ModelError`.
    func complete(_ request: ChatRequest) async throws -> ChatReply
}
