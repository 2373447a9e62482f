import NIOCore
import NIOHTTP1

/// How the mock server decides its answers: an async closure (the general case), a synchronous closure run on the
/// event loop, or one canned completion precomputed to bytes (the benchmark's fast path).
public struct MockResponder: Sendable {
    enum Kind: Sendable {
        case async(@Sendable (MockRequest) async -> MockResponse)
        case immediate(@Sendable (MockRequest) -> MockResponse)
        case fixed(FixedReply)
    }

    let kind: Kind

    /// Answers with an async closure; each request runs it in a task of its own.
    public init(_ respond: @escaping @Sendable (MockRequest) async -> MockResponse) {
        kind = .async(respond)
    }

    private init(kind: Kind) {
        self.kind = kind
    }

    /// Answers with a synchronous closure run on the event loop: no task per request. It must not block.
    public static func immediate(_ respond: @escaping @Sendable (MockRequest) -> MockResponse) -> MockResponder {
        MockResponder(kind: .immediate(respond))
    }

    /// The same completion for every request, its bytes (plain and streamed) built once; after `latency` seconds,
    /// waited on the event loop's timer, so thousands of requests can wait at once.
    public static func fixed(text: String, latency: Double = 0, usage: MockUsage = MockUsage(prompt: 12, completion: 7))
        -> MockResponder
    {
        MockResponder(kind: .fixed(FixedReply(text: text, latency: latency, usage: usage)))
    }
}

/// One completion precomputed to response bytes.
struct FixedReply: Sendable {
    let latency: TimeAmount?
    let plain: ByteBuffer
    let plainHeaders: HTTPHeaders
    let streamChunks: [ByteBuffer]
    let streamHeaders: HTTPHeaders

    init(text: String, latency: Double, usage: MockUsage) {
        self.latency = latency > 0 ? .nanoseconds(Int64(latency * 1e9)) : nil
        let body = CompletionBytes.completion(text: text, usage: usage, finishReason: "stop", model: "mock", id: "chatcmpl-mock")
        plain = ByteBuffer(bytes: body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        plainHeaders = headers
        let stream = CompletionBytes.stream(text: text, usage: usage, finishReason: "stop", model: "mock", id: "chatcmpl-mock")
        streamChunks = CompletionBytes.writes(of: stream).map { ByteBuffer(bytes: $0) }
        streamHeaders = MockHTTPHandler.streamHeaders
    }
}
