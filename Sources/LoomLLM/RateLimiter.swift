import Synchronization

/// Optional requests-per-minute and tokens-per-minute ceilings for one endpoint, as two token buckets.
///
/// Each bucket holds up to one minute's allowance and refills continuously. A call takes its cost at once, even
/// if that leaves a bucket in debt, and then sleeps until the debt would be repaid: callers are served in arrival
/// order without a queue. Token costs are estimates made before the call (`estimatedTokens(for:)`) and are
/// corrected with the real usage afterwards (`correct(estimatedTokens:actualTokens:)`).
public final class RateLimiter: Sendable {
    /// Time as the limiter sees it: tests drive it by hand.
    public struct Clock: Sendable {
        /// Seconds on a monotonic clock.
        public var now: @Sendable () -> Double
        /// Sleeps this many seconds; throws `CancellationError` if cancelled.
        public var sleep: @Sendable (Double) async throws -> Void

        /// A clock from a time source and a sleep.
        public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
            self.now = now
            self.sleep = sleep
        }

        /// The real monotonic clock.
        public static let continuous = Clock(
            now: AdaptiveConcurrency.monotonicSeconds,
            sleep: { seconds in try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) })
    }

    private struct Bucket {
        var capacity: Double
        var perSecond: Double
        var level: Double

        init(perMinute: Int) {
            capacity = Double(max(1, perMinute))
            perSecond = capacity / 60
            level = capacity
        }

        mutating func refill(elapsed: Double) {
            level = min(capacity, level + elapsed * perSecond)
        }

        /// Seconds until the level is back at zero.
        var debtSeconds: Double { level < 0 ? -level / perSecond : 0 }
    }

    private struct State {
        var requests: Bucket?
        var tokens: Bucket?
        var last: Double
    }

    /// The request ceiling, if any.
    public let requestsPerMinute: Int?
    /// The token ceiling, if any.
    public let tokensPerMinute: Int?
    private let clock: Clock
    private let state: Mutex<State>

    /// A limiter with either ceiling, both or none (nil or 0 means none); both buckets start full.
    public init(requestsPerMinute: Int?, tokensPerMinute: Int?, clock: Clock = .continuous) {
        self.requestsPerMinute = requestsPerMinute.flatMap { $0 > 0 ? $0 : nil }
        self.tokensPerMinute = tokensPerMinute.flatMap { $0 > 0 ? $0 : nil }
        self.clock = clock
        state = Mutex(
            State(
                requests: self.requestsPerMinute.map(Bucket.init), tokens: self.tokensPerMinute.map(Bucket.init),
                last: clock.now()))
    }

    /// The limiter an endpoint's configuration asks for.
    public convenience init(configuration: EndpointConfiguration, clock: Clock = .continuous) {
        self.init(
            requestsPerMinute: configuration.requestsPerMinute, tokensPerMinute: configuration.tokensPerMinute,
            clock: clock)
    }

    /// True when neither ceiling is set: `acquire` returns at once.
    public var isUnlimited: Bool { requestsPerMinute == nil && tokensPerMinute == nil }

    /// Takes one request and `estimatedTokens` tokens, waiting as long as the ceilings require. Returns the seconds
    /// it waited. If cancelled while waiting, it gives back what it took and throws `CancellationError`.
    @discardableResult
    public func acquire(estimatedTokens: Int) async throws -> Double {
        if isUnlimited { return 0 }
        let wait = state.withLock { state -> Double in
            refill(&state)
            state.requests?.level -= 1
            if var tokens = state.tokens {
                // A single call larger than the whole bucket would never fit: it waits for a full bucket instead.
                tokens.level -= min(Double(max(0, estimatedTokens)), tokens.capacity)
                state.tokens = tokens
            }
            return max(state.requests?.debtSeconds ?? 0, state.tokens?.debtSeconds ?? 0)
        }
        guard wait > 0 else { return 0 }
        do {
            try await clock.sleep(wait)
        } catch {
            state.withLock { state in
                refill(&state)
                state.requests?.level += 1
                if var tokens = state.tokens {
                    tokens.level = min(tokens.capacity, tokens.level + min(Double(max(0, estimatedTokens)), tokens.capacity))
                    state.tokens = tokens
                }
            }
            throw error
        }
        return wait
    }

    /// Replaces a call's estimate with the tokens it really used.
    public func correct(estimatedTokens: Int, actualTokens: Int) {
        guard tokensPerMinute != nil else { return }
        state.withLock { state in
            refill(&state)
            guard var tokens = state.tokens else { return }
            let taken = min(Double(max(0, estimatedTokens)), tokens.capacity)
            tokens.level = min(tokens.capacity, tokens.level + taken - Double(max(0, actualTokens)))
            state.tokens = tokens
        }
    }

    private func refill(_ state: inout State) {
        let now = clock.now()
        let elapsed = max(0, now - state.last)
        state.last = now
        state.requests?.refill(elapsed: elapsed)
        state.tokens?.refill(elapsed: elapsed)
    }

    /// Tokens a request will cost, guessed before sending: a quarter of its text's UTF-8 length plus about 800
    /// per image (a 512-px image at `auto` detail). The real usage corrects it afterwards.
    public static func estimatedTokens(for request: ChatRequest) -> Int {
        var characters = 0
        var images = 0
        for message in request.messages {
            for part in message.parts {
                switch part {
                case .text(let text): characters += text.utf8.count
                case .image: images += 1
                }
            }
        }
        return characters / 4 + images * 800 + 4 * request.messages.count
    }
}
