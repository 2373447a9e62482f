import AsyncHTTPClient
import Foundation
import LoomCore
import NIOCore
import NIOHTTP1
import Synchronization

/// Counters of one client, for the progress line.
public struct ClientStatistics: Sendable, Hashable {
    /// HTTP requests sent, first attempts and retries alike.
    public var requestsSent: Int
    /// Attempts that were retries.
    public var retries: Int
    /// 429 answers seen.
    public var rateLimited: Int
    /// The adaptive concurrency limit now.
    public var concurrencyLimit: Int
    /// Requests in flight now.
    public var inFlight: Int
    /// Calls waiting for a concurrency slot.
    public var waiting: Int
    /// The structured-output mode the endpoint is asked with now.
    public var structuredOutput: StructuredOutputMode

    /// Counters with these values.
    public init(
        requestsSent: Int = 0, retries: Int = 0, rateLimited: Int = 0, concurrencyLimit: Int = 0, inFlight: Int = 0,
        waiting: Int = 0, structuredOutput: StructuredOutputMode = .none
    ) {
        self.requestsSent = requestsSent
        self.retries = retries
        self.rateLimited = rateLimited
        self.concurrencyLimit = concurrencyLimit
        self.inFlight = inFlight
        self.waiting = waiting
        self.structuredOutput = structuredOutput
    }
}

/// A client of one OpenAI-compatible `chat/completions` endpoint, on AsyncHTTPClient.
///
/// Each call goes through the rate limiter, then the adaptive concurrency gate, then one POST per attempt under an
/// overall deadline that covers the body too. Retryable failures (408, 409, 429, 5xx, timeouts, lost connections,
/// broken streams) are retried per `RetryPolicy`; the rest become a `ModelError` at once. Streamed replies are
/// assembled completely before `complete` returns, so a stream that breaks is retried as a whole request.
///
/// With `structuredOutput: .auto` the client asks with `json_schema` first; when the endpoint refuses a request
/// with a schema (400/422 naming `response_format`, `json_schema`, schemas or "not supported"), it steps down to
/// `json_object` and then to no hint, remembers that for every later request, and resends at once (a step down is
/// not counted as a retry). Explicit modes are never changed.
public final class OpenAIClient: ChatModel {
    /// The endpoint this client talks to.
    public let configuration: EndpointConfiguration
    /// When and after how long failed attempts are retried.
    public let retryPolicy: RetryPolicy
    /// The endpoint's adaptive limit on requests in flight.
    public let concurrency: AdaptiveConcurrency
    /// The endpoint's requests- and tokens-per-minute ceilings.
    public let rateLimiter: RateLimiter
    /// The largest response body accepted; larger ones are invalid responses.
    public let maxBodyBytes: Int

    /// Internal, not private: `checkEndpoint` (OpenAIClient+EndpointCheck.swift) sends with them too.
    let http: HTTPClient
    let url: String
    let headers: HTTPHeaders
    private let negotiated: Mutex<StructuredOutputMode>
    /// How the endpoint takes the token limit and sampling settings, changed by its refusals (`RequestParameters`).
    private let parameters = Mutex(RequestParameters())
    private let sent = Atomic<Int>(0)
    private let retried = Atomic<Int>(0)
    private let tooMany = Atomic<Int>(0)
    /// The first error that would fail every request the same way (a wrong key, an unknown model): once seen,
    /// requests waiting for a slot fail with it instead of being sent.
    private let fatal = Mutex<ModelError?>(nil)
    /// Told of each wait before a retry (`RetryNotice`).
    private let retryObserver: (@Sendable (RetryNotice) -> Void)?
    /// Asked before each attempt is sent, and through each wait for a retry: false once the run is asked to stop.
    private let maySend: (@Sendable () -> Bool)?

    /// Makes the client and its own `HTTPClient` (HTTP/1 only, with as many connections per host as the largest
    /// concurrency allowed). Call `shutdown()` when done.
    ///
    /// - Parameters:
    ///   - eventLoopGroup: the group to run on; AsyncHTTPClient's shared one when nil.
    ///   - retryPolicy: the configuration's policy when nil.
    ///   - retryObserver: told of each failed attempt about to be retried, before the wait (from any task).
    ///   - maySend: asked before each attempt goes out (a call waiting for a slot, a retry after its wait); false
    ///     ends the call as `ModelError.Kind.stopped`, sending nothing.
    public init(
        configuration: EndpointConfiguration, eventLoopGroup: (any EventLoopGroup)? = nil, retryPolicy: RetryPolicy? = nil,
        rateLimiterClock: RateLimiter.Clock = .continuous, maxBodyBytes: Int = 64 << 20,
        retryObserver: (@Sendable (RetryNotice) -> Void)? = nil, maySend: (@Sendable () -> Bool)? = nil
    ) {
        self.configuration = configuration
        self.retryObserver = retryObserver
        self.maySend = maySend
        self.retryPolicy = retryPolicy ?? RetryPolicy(configuration: configuration)
        concurrency = AdaptiveConcurrency(configuration: configuration)
        rateLimiter = RateLimiter(configuration: configuration, clock: rateLimiterClock)
        self.maxBodyBytes = maxBodyBytes

        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        url = base + "/chat/completions"

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: configuration.stream ? "text/event-stream" : "application/json")
        headers.add(name: "User-Agent", value: "loom")
        // Replies uncompressed: a model's reply is small beside the request's images, and inflating costs CPU. A
        // proxy that compresses anyway is still read (`decompression` below).
        headers.add(name: "Accept-Encoding", value: "identity")
        if let key = configuration.apiKey, !key.isEmpty { headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            headers.replaceOrAdd(name: name, value: value)
        }
        self.headers = headers

        negotiated = Mutex(configuration.structuredOutput == .auto ? .jsonSchema : configuration.structuredOutput)

        var http = HTTPClient.Configuration()
        http.httpVersion = .http1Only
        // gzip or deflate bodies a proxy sends although asked for none; a body inflating past 256 MiB is refused.
        http.decompression = .enabled(limit: .size(256 << 20))
        http.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(configuration.maxConcurrency, configuration.concurrency))
        let timeout = OpenAIClient.timeAmount(configuration.timeout)
        // Connect and read (idle) timeouts catch dead peers early; the overall deadline is enforced per attempt.
        http.timeout = .init(connect: min(.seconds(10), timeout), read: timeout)
        self.http = HTTPClient(eventLoopGroup: eventLoopGroup ?? HTTPClient.defaultEventLoopGroup, configuration: http)
    }

    /// The configuration's name.
    public var endpointName: String { configuration.name }

    /// The structured-output mode requests with a schema are sent with now.
    public var structuredOutputMode: StructuredOutputMode { negotiated.withLock { $0 } }

    /// How requests carry the token limit and the sampling settings now.
    public var requestParameters: RequestParameters { parameters.withLock { $0 } }

    /// Counters for the progress line.
    public var statistics: ClientStatistics {
        ClientStatistics(
            requestsSent: sent.load(ordering: .relaxed), retries: retried.load(ordering: .relaxed),
            rateLimited: tooMany.load(ordering: .relaxed), concurrencyLimit: concurrency.limit,
            inFlight: concurrency.inFlight, waiting: concurrency.waiting, structuredOutput: structuredOutputMode)
    }

    /// Closes the connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Sends `request` (its `model`, or the configuration's when empty) and returns the whole reply. Throws a
    /// `ModelError`, or `CancellationError` when the calling task is cancelled.
    public func complete(_ request: ChatRequest) async throws -> ChatReply {
        let estimate = RateLimiter.estimatedTokens(for: request)
        var mode = structuredOutputMode
        var fields = requestParameters
        var body = makeBody(request, mode: mode, parameters: fields)
        var retry = 0
        var timeouts = 0
        var previousDelay: Double?
        while true {
            // A call not sent yet when the run is asked to stop is not sent (checked again once it has a slot).
            if let maySend, !maySend() {
                throw ModelError(.stopped, endpoint: configuration.name, message: "not sent, because the run was asked to stop")
            }
            try await rateLimiter.acquire(estimatedTokens: estimate)
            try await concurrency.acquire()
            if let error = fatal.withLock({ $0 }) {
                concurrency.release(outcome: .otherFailure)
                throw error
            }
            // A call that waited for a slot while the run was asked to stop is not sent: it is not in flight yet.
            if let maySend, !maySend() {
                concurrency.release(outcome: .otherFailure)
                throw ModelError(.stopped, endpoint: configuration.name, message: "not sent, because the run was asked to stop")
            }
            sent.add(1, ordering: .relaxed)
            let outcome: AttemptOutcome
            do {
                outcome = try await attempt(body)
            } catch {
                concurrency.release(outcome: .otherFailure)
                throw error
            }

            let failure: ModelError
            let retryFailure: RetryPolicy.Failure
            var retryHeaders = RetryHeaders.none
            switch outcome {
            case .reply(var reply):
                concurrency.release(outcome: .success)
                if reply.usageEstimated == true {
                    // No usage from the server: the request's estimate and the reply's text stand in, so that a
                    // priced endpoint's cost and `cost_limit` do not read zero (`ChatReply.usageEstimated`).
                    reply.usage = TokenUsage(prompt: estimate, completion: max(1, reply.text.utf8.count / 4))
                } else if reply.usage.total > 0 {
                    rateLimiter.correct(estimatedTokens: estimate, actualTokens: reply.usage.total)
                }
                return reply
            case .invalid(let error):
                concurrency.release(outcome: .otherFailure)
                throw error
            case .failed(let kind, let error):
                concurrency.release(outcome: kind == .timeout ? .overloaded : .otherFailure)
                failure = error
                retryFailure = kind
            case .status(let status, let responseHeaders, let responseBody):
                if status == 402 || (status == 429 && OpenAIClient.saysQuotaIsUsedUp(responseBody)) {
                    // Retrying cannot help, and every waiting request would be refused the same way.
                    let detail = CompletionDecoder.errorMessage(in: responseBody) ?? CompletionDecoder.snippet(responseBody)
                    let error = ModelError(
                        .quotaExceeded, endpoint: configuration.name, status: status,
                        message: "the account's quota or credit is used up: \(detail)")
                    fatal.withLock { if $0 == nil { $0 = error } }
                    concurrency.release(outcome: .otherFailure)
                    throw error
                }
                // Latch a fatal answer before the slot is released, so no waiting request slips out after it.
                if [400, 401, 403, 404].contains(status) || OpenAIClient.saysImagesAreUnsupported(responseBody) {
                    let error = finalError(status: status, message: CompletionDecoder.errorMessage(in: responseBody), body: responseBody)
                    if error.stopsRun { fatal.withLock { if $0 == nil { $0 = error } } }
                }
                concurrency.release(outcome: status == 429 ? .rateLimited : status == 503 ? .overloaded : .otherFailure)
                if status == 429 { tooMany.add(1, ordering: .relaxed) }
                retryHeaders = RetryHeaders(responseHeaders.map { ($0.name, $0.value) })
                let message = CompletionDecoder.errorMessage(in: responseBody)
                if OpenAIClient.saysImagesAreUnsupported(responseBody) {
                    // A 500 from llama.cpp's server, but no retry can help: the server must be started otherwise.
                    throw finalError(status: status, message: message, body: responseBody)
                }
                if !retryPolicy.isRetryable(.status(status), headers: retryHeaders) {
                    let parameter = CompletionDecoder.errorParameter(in: responseBody)
                    if let next = adaptParameters(status: status, message: message, parameter: parameter, from: fields) {
                        fields = next
                        body = makeBody(request, mode: mode, parameters: fields)
                        continue
                    }
                    if let next = stepDown(request, status: status, message: message, parameter: parameter, from: mode) {
                        mode = next
                        body = makeBody(request, mode: mode, parameters: fields)
                        continue
                    }
                    let error = finalError(status: status, message: message, body: responseBody)
                    if error.stopsRun { fatal.withLock { if $0 == nil { $0 = error } } }
                    throw error
                }
                failure = finalError(status: status, message: message, body: responseBody)
                retryFailure = .status(status)
            }

            if retryFailure == .timeout { timeouts += 1 }
            guard retry < retryPolicy.maxRetries, retryPolicy.isRetryable(retryFailure, headers: retryHeaders),
                retryFailure != .timeout || timeouts <= retryPolicy.maxTimeoutRetries
            else {
                throw failure
            }
            let delay = retryPolicy.delay(forRetry: retry, headers: retryHeaders, previousDelay: previousDelay)
            previousDelay = delay
            retry += 1
            retried.add(1, ordering: .relaxed)
            // A run asked to stop sends no retry: the call ends as `stopped` (the item is not judged by it), at the
            // latest a second after the stop (the wait is slept in slices that ask again).
            let stopped = ModelError(
                .stopped, endpoint: configuration.name, status: failure.status,
                message: "not retried, because the run was asked to stop (the attempt failed: \(failure.message))")
            if let maySend, !maySend() { throw stopped }
            // A timed-out call is retried fewer times than other failures: its "of" is where another timeout ends.
            let lastRetry = retryFailure == .timeout
                ? min(retryPolicy.maxRetries, retry + retryPolicy.maxTimeoutRetries - timeouts) : retryPolicy.maxRetries
            retryObserver?(RetryNotice(
                endpoint: configuration.name, retry: retry, maxRetries: lastRetry, delay: delay, reason: failure.description))
            var left = delay
            while left > 0 {
                if let maySend, !maySend() { throw stopped }
                let slice = maySend == nil ? left : min(left, 1)
                try await Task.sleep(for: .milliseconds(Int64((slice * 1000).rounded(.up))))
                left -= slice
            }
            if let maySend, !maySend() { throw stopped }
        }
    }

    private func makeBody(_ request: ChatRequest, mode: StructuredOutputMode, parameters: RequestParameters) -> ByteBuffer {
        ByteBuffer(
            bytes: RequestBody.bytes(
                for: request, structuredOutput: mode, stream: configuration.stream, model: configuration.model,
                parameters: parameters))
    }

    // MARK: One attempt

    private enum AttemptOutcome: Sendable {
        case reply(ChatReply)
        /// A non-2xx answer, its headers and (the start of) its body.
        case status(Int, HTTPHeaders, [UInt8])
        /// A retryable failure without an answer: timeout, connection, broken stream.
        case failed(RetryPolicy.Failure, ModelError)
        /// A 2xx answer that is not a completion: not retried.
        case invalid(ModelError)
    }

    /// One POST under the overall deadline. Throws only `CancellationError`, when the calling task is cancelled.
    private func attempt(_ body: ByteBuffer) async throws -> AttemptOutcome {
        var prepared = HTTPClientRequest(url: url)
        prepared.method = .POST
        prepared.headers = headers
        prepared.body = .bytes(body)
        let request = prepared
        let seconds = configuration.timeout
        let started = NIODeadline.now()
        let deadline = started + OpenAIClient.timeAmount(seconds)
        let progress = StreamProgress(started)
        // AsyncHTTPClient's deadline stops at the response head: a timer on the event loop cancels the whole exchange,
        // body included, when the deadline passes. An event-loop timer, not a racing `Task.sleep`: a cancelled timer
        // is dropped at once, while a cancelled sleep stays queued (a task and a dispatch timer) until its deadline,
        // so memory grew with every request for the length of the timeout (127 MB instead of 54 MB at the peak of
        // 100,000 requests in 20 s with the default 120 s timeout).
        //
        // A stream that keeps sending is not cut: for streams the deadline is `timeout` after the last chunk (a long
        // generation from a slow local model arrives token by token), up to `streamLimit` in all.
        let exchange = Task { await self.exchange(request, deadline: deadline, progress: progress) }
        let loop = http.eventLoopGroup.any()
        let streams = configuration.stream
        let limit = started + OpenAIClient.timeAmount(OpenAIClient.streamLimit(seconds))
        let timer = Mutex<Scheduled<Void>?>(nil)
        @Sendable func arm(_ moment: NIODeadline) {
            let task = loop.scheduleTask(deadline: moment) {
                if streams {
                    let next = progress.last + OpenAIClient.timeAmount(seconds)
                    if next > NIODeadline.now(), next <= limit {
                        arm(next)
                        return
                    }
                }
                progress.cut()
                exchange.cancel()
            }
            timer.withLock { $0 = task }
        }
        arm(deadline)
        let outcome = await withTaskCancellationHandler {
            await exchange.value
        } onCancel: {
            exchange.cancel()
        }
        timer.withLock { $0?.cancel() }
        try Task.checkCancellation()
        if case .failed = outcome, progress.wasCut || NIODeadline.now() >= deadline && !streams {
            // Cut off by the timer (or by AsyncHTTPClient's own deadline on the head).
            return .failed(
                .timeout,
                ModelError(
                    .timeout, endpoint: configuration.name,
                    message: "no complete reply within \(OpenAIClient.seconds(seconds)) (a model that needs longer needs a larger `timeout`)"))
        }
        return outcome
    }

    private func exchange(_ request: HTTPClientRequest, deadline: NIODeadline, progress: StreamProgress) async -> AttemptOutcome {
        do {
            let response = try await http.execute(request, deadline: deadline)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                // Error bodies are small; a huge one is cut, which only loses the message.
                var bytes: [UInt8] = []
                for try await buffer in response.body where bytes.count < 1 << 20 {
                    bytes.append(contentsOf: buffer.readableBytesView)
                }
                return .status(status, response.headers, bytes)
            }
            let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
            if contentType.contains("text/html") {
                // A web page answering any path (a base URL that is not the API's): neither JSON nor a stream. Some
                // proxies label a completion so, which is read as one.
                let buffer: ByteBuffer
                do {
                    buffer = try await response.body.collect(upTo: maxBodyBytes)
                } catch is NIOTooManyBytesError {
                    return .invalid(tooLarge())
                }
                let bytes = Array(buffer.readableBytesView)
                if bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == 0x7B {
                    do {
                        return .reply(try CompletionDecoder.decodeCompletion(bytes, endpoint: configuration.name))
                    } catch {
                        return Self.outcome(of: error)
                    }
                }
                return .invalid(ModelError(
                    .invalidResponse, endpoint: configuration.name, status: status,
                    message: "the server answered with a web page, not a chat completion: \(CompletionDecoder.snippet(bytes))"))
            }
            // A stream when asked for one, or when the server streams unasked (some gateways always do).
            if (configuration.stream && !contentType.contains("application/json")) || contentType.contains("text/event-stream") {
                return try await readStream(response, progress: progress)
            }
            // Some servers ignore `stream: true` and answer with one JSON body: accepted too.
            let buffer: ByteBuffer
            do {
                buffer = try await response.body.collect(upTo: maxBodyBytes)
            } catch is NIOTooManyBytesError {
                return .invalid(tooLarge())
            }
            do {
                return .reply(try CompletionDecoder.decodeCompletion(Array(buffer.readableBytesView), endpoint: configuration.name))
            } catch {
                return Self.outcome(of: error)
            }
        } catch {
            return classify(error)
        }
    }

    private func readStream(_ response: HTTPClientResponse, progress: StreamProgress) async throws -> AttemptOutcome {
        var assembler = StreamAssembler(endpoint: configuration.name)
        var received = 0
        for try await buffer in response.body {
            progress.advanced()
            received += buffer.readableBytes
            if received > maxBodyBytes { return .invalid(tooLarge()) }
            buffer.withUnsafeReadableBytes { assembler.feed($0) }
        }
        do {
            return .reply(try assembler.finish())
        } catch {
            return StreamAssembler.isBrokenStream(error) ? .failed(.brokenStream, error) : Self.outcome(of: error)
        }
    }

    /// A 2xx answer that is not a usable completion: a server error it reports (`CompletionDecoder.isTransient`) is
    /// retried like a 500; anything else is not retried.
    private static func outcome(of error: ModelError) -> AttemptOutcome {
        error.kind == .server ? .failed(.status(500), error) : .invalid(error)
    }

    private func tooLarge() -> ModelError {
        ModelError(.invalidResponse, endpoint: configuration.name, message: "the body is larger than \(maxBodyBytes >> 20) MiB")
    }

    /// A thrown transport error as a retryable failure.
    private func classify(_ error: any Error) -> AttemptOutcome {
        if let error = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                .tlsHandshakeTimeout,
            ]
            if timeouts.contains(error) {
                return .failed(.timeout, ModelError(.timeout, endpoint: configuration.name, message: "\(error)"))
            }
        }
        return .failed(.connection, ModelError(.transport, endpoint: configuration.name, message: TransportFailure.words(error)))
    }

    // MARK: Errors and negotiation

    /// The error for a final non-2xx answer.
    func finalError(status: Int, message: String?, body: [UInt8]) -> ModelError {
        let name = configuration.name
        let detail = message ?? (body.isEmpty ? "no message" : CompletionDecoder.snippet(body))
        if OpenAIClient.saysImagesAreUnsupported(body) {
            return ModelError(
                .imagesUnsupported, endpoint: name, status: status, message: "the server cannot take images: \(detail)")
        }
        if status == 403, OpenAIClient.saysInputWasFlagged(body) {
            // One input a moderated model would not take (OpenRouter), not a key without access: only this item fails.
            return ModelError(.declined, endpoint: name, status: status, message: "the provider flagged the input: \(detail)")
        }
        switch status {
        case 401:
            return ModelError(.unauthorized, endpoint: name, status: status, message: "the API key was refused: \(detail)")
        case 403:
            return ModelError(.forbidden, endpoint: name, status: status, message: "access denied: \(detail)")
        case 404:
            // A base without /v1 is the usual cause (Ollama's and vLLM's own addresses are given without it).
            let base = String(url.dropLast("/chat/completions".count))
            let hint = base.hasSuffix("/v1") ? "" : "; most servers (vLLM, Ollama, SGLang, OpenAI) serve the API under /v1: try base_url \(base)/v1"
            return ModelError(
                .modelNotFound, endpoint: name, status: status,
                message: "not found at \(url) (check the model name \"\(configuration.model)\" and the base URL\(hint)): \(detail)")
        case 429:
            return ModelError(.rateLimited, endpoint: name, status: status, message: "rate limited after every retry: \(detail)")
        case 408, 409, 500...:
            return ModelError(.server, endpoint: name, status: status, message: detail)
        default:
            if let message, OpenAIClient.namesMissingModel(message) {
                return ModelError(.modelNotFound, endpoint: name, status: status, message: message)
            }
            return ModelError(.badRequest, endpoint: name, status: status, message: detail)
        }
    }

    /// The request fields to resend with when the endpoint refused the token limit's name or a sampling setting
    /// (`RequestParameters`), or nil. Like the structured-output mode, the change holds for the endpoint from then on.
    private func adaptParameters(status: Int, message: String?, parameter: String?, from fields: RequestParameters)
        -> RequestParameters?
    {
        guard status == 400 || status == 422, let next = fields.adapted(toRefusal: message, parameter: parameter) else {
            return nil
        }
        // Compare and set: many requests refused at once change the fields once.
        return parameters.withLock { current in
            if current == fields { current = next }
            return current == fields ? nil : current
        }
    }

    /// The mode to resend with when the endpoint refused the structured-output hint, or nil.
    ///
    /// A refusal that names another field (`param` in OpenAI's errors: an image, the messages) is not about the
    /// hint, however it is worded: stepping down for it would lose structured output for the whole endpoint.
    private func stepDown(
        _ request: ChatRequest, status: Int, message: String?, parameter: String?, from mode: StructuredOutputMode
    ) -> StructuredOutputMode? {
        guard configuration.structuredOutput == .auto, request.schema != nil, status == 400 || status == 422,
            let message, mode != .none
        else { return nil }
        if let parameter, !["response_format", "guided_json", "structured_outputs", "format"].contains(parameter) { return nil }
        let text = message.lowercased()
        let strong = ["response_format", "json_schema", "guided_json", "structured output", "response format"]
        // Weaker words count only when the message is about JSON or formats, and not about an image ("You uploaded
        // an unsupported image…" names formats too).
        let weak = !text.contains("image")
            && (text.contains("schema")
                || (["not supported", "unsupported"].contains(where: text.contains) && ["json", "format"].contains(where: text.contains)))
        guard strong.contains(where: text.contains) || (!OpenAIClient.namesMissingModel(message) && weak)
        else { return nil }
        let next: StructuredOutputMode = mode == .jsonSchema ? .jsonObject : .none
        // Compare and set: many requests refused at once step down once.
        return negotiated.withLock { current in
            if current == mode { current = next }
            return current
        }
    }

    /// The longest a stream may go on while it keeps sending: ten times the timeout, and at least 10 minutes.
    static func streamLimit(_ timeout: Double) -> Double { max(timeout * 10, 600) }

    private static func timeAmount(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(min(max(seconds, 0.001), 86_400 * 365) * 1e9))
    }

    private static func seconds(_ value: Double) -> String {
        value < 10 ? "\((value * 100).rounded() / 100) s" : "\(Int(value.rounded())) s"
    }
}
