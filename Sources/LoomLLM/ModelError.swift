/// Why a model call failed, in terms a user can act on.
public struct ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// 401: the API key is missing or wrong.
        case unauthorized
        /// 403: the key may not use this model or endpoint.
        case forbidden
        /// 404, or a 400 that names the model: the model does not exist on this endpoint.
        case modelNotFound
        /// Any other 400/422: the request is malformed for this server.
        case badRequest
        /// 429 after every retry.
        case rateLimited
        /// 402, or a 429 that says the account's quota or credit is used up (OpenAI's `insufficient_quota`):
        /// no retry can succeed.
        case quotaExceeded
        /// 5xx (or 408/409) after every retry.
        case server
        /// The overall deadline passed (connect, head and body together), after every retry.
        case timeout
        /// The connection failed (refused, reset, DNS), after every retry.
        case transport
        /// The server answered 200 with a body that is not a chat completion, or a stream that broke off.
        case invalidResponse
        /// The reply's text is not what the schema asks, after every correction turn.
        case invalidReply
        /// The model refused, or the provider's content filter stopped the reply (or flagged the input): asking
        /// again would be declined, and paid for, again.
        case declined
        /// The server cannot take what every request of the stage holds: images, on a llama.cpp server started
        /// without the model's projector (`--mmproj`).
        case imagesUnsupported
        /// A failed attempt was not retried because the run was asked to stop: the item was not judged, so nothing
        /// is recorded against it.
        case stopped

        /// The kind in words, for messages ("model not found", not "modelNotFound").
        public var words: String {
            String(rawValue.flatMap { $0.isUppercase ? " " + $0.lowercased() : String($0) })
        }
    }

    public var kind: Kind
    /// The endpoint's name.
    public var endpoint: String
    /// The HTTP status, when there was one.
    public var status: Int?
    /// What went wrong, with the server's own message where it gave one.
    public var message: String
    /// The model's raw reply, for `invalidReply`: kept so the failure can be inspected.
    public var rawReply: String?

    public init(_ kind: Kind, endpoint: String, status: Int? = nil, message: String, rawReply: String? = nil) {
        self.kind = kind
        self.endpoint = endpoint
        self.status = status
        self.message = message
        self.rawReply = rawReply
    }

    /// Errors that would fail every item the same way: the run stops instead of burning through its items.
    public var stopsRun: Bool {
        switch kind {
        case .unauthorized, .forbidden, .modelNotFound, .quotaExceeded, .imagesUnsupported: return true
        default: return false
        }
    }

    public var description: String {
        let code = status.map { " (HTTP \($0))" } ?? ""
        return "endpoint \(endpoint): \(kind.words)\(code): \(message)"
    }
}
