import Hummingbird
import LoomReview
import NIOCore

/// The per-request context: the signed-in session (set by `SessionMiddleware`) and the peer's address (for the
/// login rate limit).
public struct ReviewRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The session of the request's cookie, once `SessionMiddleware` found it open.
    public var session: ReviewSession?
    /// The peer's IP address ("" when unknown, as with the in-process test client).
    public let peer: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// Review forms are small: a record's edited text at most.
    public var maxUploadSize: Int { 1 << 20 }
}
