import LoomCore
import NIOCore
import NIOHTTP1
import Synchronization

/// What every connection of one server shares: the responder and the request counter.
final class MockServerState: Sendable {
    let responder: MockResponder
    let counter = Atomic<Int>(0)
    /// What `GET …/models` answers (not counted as a request, and not asked of the responder).
    let modelList: MockResponse

    init(responder: MockResponder, modelList: MockResponse) {
        self.responder = responder
        self.modelList = modelList
    }

    func nextIndex() -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// One connection's HTTP handler: collects a request, asks the responder, writes the answer. NIO's pipelining
/// handler in front of it hands over one request at a time, so answers keep their order on a kept-alive connection.
final class MockHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let streamHeaders: HTTPHeaders = [
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache", "Transfer-Encoding": "chunked",
    ]

    private let state: MockServerState
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var index = 0

    init(state: MockServerState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = nil
            if !Self.isModelList(requestHead) { index = state.nextIndex() }
        case .body(var chunk):
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let requestBody = body ?? ByteBuffer()
            body = nil
            respond(context: context, head: requestHead, body: requestBody)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// A client's check of the endpoint: `GET /v1/models`.
    private static func isModelList(_ head: HTTPRequestHead) -> Bool {
        head.method == .GET && head.uri.hasSuffix("/models")
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer) {
        let reply = Reply(keepAlive: head.isKeepAlive, version: head.version)
        if Self.isModelList(head) {
            write(state.modelList, request: makeRequest(head, body), reply: reply, context: context)
            return
        }
        switch state.responder.kind {
        case .fixed(let fixed):
            let stream = body.readableBytes > 0 && body.withUnsafeReadableBytes { MockRequest.scanForStreamTrue($0) }
            if let latency = fixed.latency {
                context.eventLoop.assumeIsolated().scheduleTask(in: latency) {
                    self.writeFixed(fixed, stream: stream, reply: reply, context: context)
                }
            } else {
                writeFixed(fixed, stream: stream, reply: reply, context: context)
            }
        case .immediate(let respond):
            let request = makeRequest(head, body)
            write(respond(request), request: request, reply: reply, context: context)
        case .async(let respond):
            let request = makeRequest(head, body)
            context.eventLoop.makeFutureWithTask { await respond(request) }.assumeIsolated().whenSuccess { response in
                self.write(response, request: request, reply: reply, context: context)
            }
        }
    }

    private func makeRequest(_ head: HTTPRequestHead, _ body: ByteBuffer) -> MockRequest {
        MockRequest(
            method: head.method.rawValue, path: head.uri, headers: head.headers.map { ($0.name, $0.value) },
            body: Array(body.readableBytesView), index: index)
    }

    /// How the answer must end: kept alive or closed, and in which HTTP version.
    private struct Reply {
        var keepAlive: Bool
        var version: HTTPVersion
    }

    private func writeFixed(_ fixed: FixedReply, stream: Bool, reply: Reply, context: ChannelHandlerContext) {
        if stream {
            writeStream(fixed.streamChunks, reply: reply, closeAfter: false, context: context)
            return
        }
        var headers = fixed.plainHeaders
        if !reply.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: reply.version, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(fixed.plain))), promise: nil)
        end(reply: reply, close: false, context: context)
    }

    private func write(_ response: MockResponse, request: MockRequest, reply: Reply, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch response {
        case .completion(let text, let usage, let finishReason):
            let model = request.model ?? "mock"
            let id = "chatcmpl-mock-\(request.index)"
            if request.wantsStream {
                let bytes = CompletionBytes.stream(text: text, usage: usage, finishReason: finishReason, model: model, id: id)
                writeStream(CompletionBytes.writes(of: bytes).map { ByteBuffer(bytes: $0) }, reply: reply, closeAfter: false, context: context)
            } else {
                let bytes = CompletionBytes.completion(text: text, usage: usage, finishReason: finishReason, model: model, id: id)
                writeWhole(status: 200, headers: [("Content-Type", "application/json")], body: bytes, reply: reply, context: context)
            }
        case .status(let status, let text, let extra):
            var headers = extra
            let trimmed = text.drop(while: { $0 == " " || $0 == "\n" })
            if !extra.contains(where: { $0.0.lowercased() == "content-type" }) {
                let looksLikeJSON = trimmed.hasPrefix("{") || trimmed.hasPrefix("[")
                headers.append(("Content-Type", looksLikeJSON ? "application/json" : "text/plain; charset=utf-8"))
            }
            writeWhole(status: status, headers: headers, body: Array(text.utf8), reply: reply, context: context)
        case .raw(let status, let headers, let text):
            writeWhole(status: status, headers: headers, body: Array(text.utf8), reply: reply, context: context)
        case .rawBytes(let status, let headers, let bytes):
            writeWhole(status: status, headers: headers, body: bytes, reply: reply, context: context)
        case .hangBody:
            let head = HTTPResponseHead(
                version: reply.version, status: .ok,
                headers: ["Content-Type": "application/json", "Content-Length": "4096"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let start = ByteBuffer(string: #"{"id":"chatcmpl-hang","object":"chat.completion","choices":["#)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(start))), promise: nil)
        // Nothing more is ever written: the client's deadline must end this.
        case .truncatedStream(let text):
            let bytes = CompletionBytes.stream(
                text: text, usage: MockUsage(), finishReason: nil, model: request.model ?? "mock",
                id: "chatcmpl-mock-\(request.index)", truncated: true)
            writeStream(CompletionBytes.writes(of: bytes).map { ByteBuffer(bytes: $0) }, reply: reply, closeAfter: true, context: context)
        case .slowStream(let text, let interval):
            let bytes = CompletionBytes.stream(
                text: text, usage: MockUsage(), finishReason: "stop", model: request.model ?? "mock", id: "chatcmpl-mock-\(request.index)")
            writeStream(
                CompletionBytes.writes(of: bytes).map { ByteBuffer(bytes: $0) }, reply: reply, closeAfter: false, context: context,
                interval: interval)
        case .delayed(let seconds, let inner):
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(max(0, seconds) * 1e9))) {
                self.write(inner, request: request, reply: reply, context: context)
            }
        case .closeConnection:
            context.close(promise: nil)
        }
    }

    private func writeWhole(
        status: Int, headers pairs: [(String, String)], body: [UInt8], reply: Reply, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders(pairs)
        if !headers.contains(name: "Content-Length") && !headers.contains(name: "Transfer-Encoding") {
            headers.add(name: "Content-Length", value: String(body.count))
        }
        if !reply.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: reply.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        end(reply: reply, close: false, context: context)
    }

    /// Writes a head and then each chunk in an event-loop turn of its own, flushed, so they leave as separate
    /// segments where the kernel allows.
    private func writeStream(
        _ chunks: [ByteBuffer], reply: Reply, closeAfter: Bool, context: ChannelHandlerContext, interval: Double = 0
    ) {
        var headers = MockHTTPHandler.streamHeaders
        if !reply.keepAlive || closeAfter { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.writeAndFlush(
            wrapOutboundOut(.head(HTTPResponseHead(version: reply.version, status: .ok, headers: headers))), promise: nil)
        func send(_ position: Int) {
            guard context.channel.isActive else { return }
            guard position < chunks.count else {
                end(reply: reply, close: closeAfter, context: context)
                return
            }
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunks[position]))), promise: nil)
            if interval > 0 {
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(interval * 1e9))) { send(position + 1) }
            } else {
                context.eventLoop.assumeIsolated().execute { send(position + 1) }
            }
        }
        send(0)
    }

    private func end(reply: Reply, close: Bool, context: ChannelHandlerContext) {
        if reply.keepAlive && !close {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }
}
