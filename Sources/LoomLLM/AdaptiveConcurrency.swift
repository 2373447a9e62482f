import Synchronization

/// An additive-increase / multiplicative-decrease limit on requests in flight to one endpoint.
///
/// Callers `acquire()` a slot before a request and `release(outcome:)` it after. The limit starts at the configured
/// concurrency, grows by one after as many successes as the limit itself (about one step per window of requests),
/// and halves on a rate-limit or overload answer, at most once per `decreaseInterval` so that a burst of 429s from one window
/// of requests cuts it only once. It stays within [minimum, maximum]. Waiters are served first come, first served.
///
/// A `Mutex` and a ring buffer of continuations keep the uncontended path to one lock round trip per call, with no
/// allocation.
public final class AdaptiveConcurrency: Sendable {
    /// How a request that held a slot ended.
    public enum Outcome: Sendable, Hashable {
        case success
        /// The server said 429: too many requests.
        case rateLimited
        /// The server is past its capacity without saying 429: a 503 (Ollama's "server busy"), or a request that
        /// ran out of time (local servers — llama.cpp, vLLM, SGLang, Ollama — queue what they cannot take, and the
        /// wait counts against the deadline). Halves the limit like a 429.
        case overloaded
        /// Anything else (errors): no signal about capacity, so the limit stays.
        case otherFailure
    }

    private struct Waiter {
        var id: UInt64
        var continuation: UnsafeContinuation<Void, any Error>
    }

    private struct State {
        var limit: Int
        var inFlight = 0
        var successes = 0
        var lastDecrease: Double?
        var nextID: UInt64 = 0
        var waiters = WaiterQueue()
    }

    /// The lowest the limit goes on 429s.
    public let minimum: Int
    /// The highest the limit grows on successes.
    public let maximum: Int
    /// Seconds after a decrease during which further 429s do not decrease again.
    public let decreaseInterval: Double
    private let now: @Sendable () -> Double
    private let state: Mutex<State>

    /// - Parameters:
    ///   - now: a monotonic clock in seconds; tests pass their own.
    public init(
        initial: Int, minimum: Int, maximum: Int, decreaseInterval: Double = 2,
        now: @escaping @Sendable () -> Double = AdaptiveConcurrency.monotonicSeconds
    ) {
        self.minimum = max(1, minimum)
        self.maximum = max(self.minimum, maximum)
        self.decreaseInterval = decreaseInterval
        self.now = now
        state = Mutex(State(limit: min(max(initial, self.minimum), self.maximum)))
    }

    /// The limiter an endpoint's configuration asks for.
    public convenience init(configuration: EndpointConfiguration) {
        self.init(
            initial: configuration.concurrency, minimum: configuration.minConcurrency,
            maximum: configuration.maxConcurrency)
    }

    /// Seconds on a monotonic clock.
    @Sendable public static func monotonicSeconds() -> Double {
        let duration = ContinuousClock.now - origin
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static let origin = ContinuousClock.now

    /// The current limit.
    public var limit: Int { state.withLock { $0.limit } }
    /// Slots held now.
    public var inFlight: Int { state.withLock { $0.inFlight } }
    /// Callers waiting for a slot.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Waits for a slot. Throws `CancellationError` if the task is cancelled while waiting (no slot is then held).
    /// A slot acquired must be given back with `release(outcome:)`.
    public func acquire() async throws {
        let granted = state.withLock { state -> Bool in
            guard state.inFlight < state.limit && state.waiters.isEmpty else { return false }
            state.inFlight += 1
            return true
        }
        if granted { return }
        try await waitForSlot()
    }

    private func waitForSlot() async throws {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                enum Action { case resume, cancel, wait }
                let action = state.withLock { state -> Action in
                    // The cancellation flag is set before the handler runs, and the handler takes the same lock:
                    // either it finds this waiter in the queue, or this check sees the flag.
                    if Task.isCancelled { return .cancel }
                    if state.inFlight < state.limit && state.waiters.isEmpty {
                        state.inFlight += 1
                        return .resume
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch action {
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let removed = state.withLock { $0.waiters.remove(id: id) }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back and adjusts the limit by how its request ended.
    public func release(outcome: Outcome) {
        var single: UnsafeContinuation<Void, any Error>?
        var more: [UnsafeContinuation<Void, any Error>] = []
        let time: Double? = outcome == .rateLimited || outcome == .overloaded ? now() : nil
        state.withLock { state in
            state.inFlight -= 1
            switch outcome {
            case .success:
                state.successes += 1
                if state.successes >= state.limit {
                    state.successes = 0
                    if state.limit < maximum { state.limit += 1 }
                }
            case .rateLimited, .overloaded:
                let moment = time ?? 0
                if state.lastDecrease.map({ moment - $0 >= decreaseInterval }) ?? true {
                    state.lastDecrease = moment
                    state.limit = max(minimum, state.limit / 2)
                    state.successes = 0
                }
            case .otherFailure:
                break
            }
            while state.inFlight < state.limit, let waiter = state.waiters.popFirst() {
                state.inFlight += 1
                if single == nil {
                    single = waiter.continuation
                } else {
                    more.append(waiter.continuation)
                }
            }
        }
        single?.resume()
        for continuation in more { continuation.resume() }
    }

    /// A FIFO of waiters on a ring buffer: append and pop without shifting, removal by id for cancellation.
    private struct WaiterQueue {
        private var slots: [Waiter?] = []
        private var head = 0
        private(set) var count = 0

        var isEmpty: Bool { count == 0 }

        mutating func append(_ waiter: Waiter) {
            if count == slots.count { grow() }
            slots[(head + count) % slots.count] = waiter
            count += 1
        }

        mutating func popFirst() -> Waiter? {
            while count > 0 {
                let waiter = slots[head]
                slots[head] = nil
                head = (head + 1) % slots.count
                count -= 1
                if let waiter { return waiter }
            }
            return nil
        }

        /// Removes the waiter with `id`; later waiters keep their order.
        mutating func remove(id: UInt64) -> Waiter? {
            for offset in 0..<count {
                let index = (head + offset) % slots.count
                guard let waiter = slots[index], waiter.id == id else { continue }
                // Shift the later ones down by one so the queue stays dense.
                var position = offset
                while position + 1 < count {
                    slots[(head + position) % slots.count] = slots[(head + position + 1) % slots.count]
                    position += 1
                }
                slots[(head + count - 1) % slots.count] = nil
                count -= 1
                return waiter
            }
            return nil
        }

        private mutating func grow() {
            var grown: [Waiter?] = Array(repeating: nil, count: max(16, slots.count * 2))
            for offset in 0..<count { grown[offset] = slots[(head + offset) % slots.count] }
            slots = grown
            head = 0
        }
    }
}
