import Synchronization

/// Limits failed logins per peer address and per account name: after `limit` failures within `window`
/// seconds, further attempts are refused until the window has passed. Successful logins clear the name's count.
final class LoginRateLimiter: Sendable {
    private struct Failures {
        var count: Int
        var windowStart: Double
    }

    let limit: Int
    let window: Double
    private let failures = Mutex<[String: Failures]>([:])

    init(limit: Int = 5, window: Double = 300) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until `keys` may try again, or nil if they may now.
    func retryAfter(_ keys: [String], now: Double) -> Double? {
        failures.withLock { table in
            var wait: Double?
            for key in keys {
                guard let entry = table[key], entry.count >= limit else { continue }
                let remaining = entry.windowStart + window - now
                if remaining > 0 { wait = max(wait ?? 0, remaining) } else { table[key] = nil }
            }
            return wait
        }
    }

    func recordFailure(_ keys: [String], now: Double) {
        failures.withLock { table in
            // Keep the table bounded: forget windows that have passed once it grows.
            if table.count > 10_000 { table = table.filter { $0.value.windowStart + window > now } }
            for key in keys {
                if var entry = table[key], entry.windowStart + window > now {
                    entry.count += 1
                    table[key] = entry
                } else {
                    table[key] = Failures(count: 1, windowStart: now)
                }
            }
        }
    }

    func recordSuccess(_ keys: [String]) {
        failures.withLock { table in for key in keys { table[key] = nil } }
    }
}
