import NIOCore
import NIOHTTP1
import NIOPosix

/// A scriptable OpenAI-compatible HTTP/1.1 server on loopback, for tests and benchmarks; never for production.
///
/// It answers every request with what its responder says (`MockResponse`): completions (streamed when asked),
/// error statuses, hung bodies, broken streams, delays and dropped connections. Connections are kept alive, and
/// delays wait on the event loop's timers, so hundreds of slow requests can be in flight on one thread.
public final class MockModelServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let state: MockServerState
    /// The address it listens on.
    public let host: String
    /// The port it listens on (an ephemeral one unless one was asked for).
    public let port: Int

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, state: MockServerState, host: String, port: Int) {
        self.group = group
        self.channel = channel
        self.state = state
        self.host = host
        self.port = port
    }

    /// The API base for clients: `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://\(host):\(port)/v1" }

    /// Requests received so far (counted when their head arrives).
    public var requestCount: Int { state.counter.load(ordering: .relaxed) }

    /// Starts a server whose answers come from an async closure.
    ///
    /// - Parameters:
    ///   - port: 0 for an ephemeral port.
    ///   - threads: event-loop threads.
    ///   - modelList: what `GET /v1/models` answers (by default an empty list); not counted in `requestCount`.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, threads: Int = 1, modelList: MockResponse = MockModelServer.modelList([]),
        responder: @escaping @Sendable (MockRequest) async -> MockResponse
    ) async throws -> MockModelServer {
        try await start(host: host, port: port, threads: threads, modelList: modelList, responder: MockResponder(responder))
    }

    /// Starts a server with any kind of responder (`MockResponder.fixed` for benchmarks).
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, threads: Int = 1, modelList: MockResponse = MockModelServer.modelList([]),
        responder: MockResponder
    ) async throws -> MockModelServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let state = MockServerState(responder: responder, modelList: modelList)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MockHTTPHandler(state: state))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            let boundPort = channel.localAddress?.port ?? port
            return MockModelServer(group: group, channel: channel, state: state, host: host, port: boundPort)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The answer of `GET /v1/models` listing `ids`, as OpenAI and the servers that copy it write it.
    public static func modelList(_ ids: [String]) -> MockResponse {
        let entries = ids.map { #"{"id":"\#($0)","object":"model","owned_by":"mock"}"# }.joined(separator: ",")
        return .status(200, body: #"{"object":"list","data":[\#(entries)]}"#)
    }

    /// A responder that answers every request with the same completion after `latency` seconds, its bytes built
    /// once: the benchmark's server.
    public static func fixed(text: String, latency: Double = 0) -> MockResponder {
        MockResponder.fixed(text: text, latency: latency)
    }

    /// Stops listening and closes every connection, hung ones included.
    public func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}
