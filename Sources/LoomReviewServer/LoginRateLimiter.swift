import Synchronization

/// Limits failed logins per account name (`limit`) and per peer address (`peerLimit`, keys `peer:…`): after that
/// many failures within `window` seconds, further attempts are refused until the window has passed. Successful
/// logins clear the name's count. The address's limit is the larger: behind a TLS proxy or an SSH tunnel the whole
/// team signs in from 127.0.0.1, and one reviewer's typos must not lock the others out; it still caps an
/// outsider's guesses across names.
///
/// An attempt counts as a failure from the moment it is admitted (`admit`), before its password is hashed, and
/// is taken back if it succeeds: checking first and counting after the hash let a burst of parallel guesses all
/// pass the check before the first failure was counted.
final class LoginRateLimiter: Sendable {
    private struct Failures {
        var count: Int
        var windowStart: Double
    }

    let limit: Int
    let peerLimit: Int
    let window: Double
    private let failures = Mutex<[String: Failures]>([:])

    init(limit: Int = 5, peerLimit: Int = 50, window: Double = 300) {
        self.limit = limit
        self.peerLimit = peerLimit
        self.window = window
    }

    /// Admits an attempt: nil, counting it as a failure of `keys` until it succeeds, or the seconds to wait.
    func admit(_ keys: [String], now: Double) -> Double? {
        failures.withLock { table in
            var wait: Double?
            for key in keys {
                guard let entry = table[key], entry.count >= (key.hasPrefix("peer:") ? peerLimit : limit) else { continue }
                let remaining = entry.windowStart + window - now
                if remaining > 0 { wait = max(wait ?? 0, remaining) } else { table[key] = nil }
            }
            if wait != nil { return wait }
            if table.count > 10_000 { table = table.filter { $0.value.windowStart + window > now } }
            for key in keys {
                if var entry = table[key], entry.windowStart + window > now {
                    entry.count += 1
                    table[key] = entry
                } else {
                    table[key] = Failures(count: 1, windowStart: now)
                }
            }
            return nil
        }
    }

    /// An admitted attempt succeeded: `cleared` keys (the account's name) start over, and the attempt is taken
    /// back from the `others` (the peer's address: colleagues behind one address must not lock each other out).
    func succeeded(clearing cleared: [String], takingBackFrom others: [String]) {
        failures.withLock { table in
            for key in cleared { table[key] = nil }
            for key in others {
                guard var entry = table[key] else { continue }
                entry.count -= 1
                table[key] = entry.count > 0 ? entry : nil
            }
        }
    }
}
