import Foundation

/// The response headers that steer retries, read case-insensitively from a response.
public struct RetryHeaders: Sendable, Hashable {
    /// `retry-after-ms`: milliseconds (OpenAI and Azure send it).
    public var retryAfterMilliseconds: String?
    /// `Retry-After`: seconds, or an HTTP date.
    public var retryAfter: String?
    /// `x-should-retry`: "true" or "false", the server's own verdict, which overrides the status code.
    public var shouldRetry: String?

    /// Headers given by value (tests, or a client that read them itself).
    public init(retryAfterMilliseconds: String? = nil, retryAfter: String? = nil, shouldRetry: String? = nil) {
        self.retryAfterMilliseconds = retryAfterMilliseconds
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry
    }

    /// Picks the three headers out of name–value pairs (names compared case-insensitively).
    public init(_ pairs: some Sequence<(String, String)>) {
        self.init()
        for (name, value) in pairs {
            switch name.lowercased() {
            case "retry-after-ms": retryAfterMilliseconds = value
            case "retry-after": retryAfter = value
            case "x-should-retry": shouldRetry = value
            default: break
            }
        }
    }

    /// No headers: the outcome of a timeout or a failed connection.
    public static let none = RetryHeaders()
}

/// When a failed attempt is tried again, and after how long. Pure: no clock and no randomness of its own, so it is
/// tested exactly.
///
/// Streams: the client assembles a streamed reply completely before returning it, so no delta ever reaches the
/// caller from an attempt that later fails; a stream that breaks off is therefore retried as a whole new request,
/// which is safe (the rule "never retry a stream after a delta reached the consumer" holds trivially).
public struct RetryPolicy: Sendable, Hashable {
    /// How backoff delays are spread so that many clients hit by the same failure do not return in lockstep.
    public enum Jitter: Sendable, Hashable {
        /// Exactly the exponential delay.
        case none
        /// Uniform in [0, exponential delay] ("full jitter").
        case full
        /// Uniform in [initialBackoff, 3 × previous delay], capped at maxBackoff ("decorrelated jitter").
        case decorrelated
    }

    /// What went wrong in one attempt.
    public enum Failure: Sendable, Hashable {
        /// The server answered with this HTTP status.
        case status(Int)
        /// The attempt's deadline passed (connect, head or body).
        case timeout
        /// The connection could not be made or was lost.
        case connection
        /// A stream ended before `[DONE]` or a finish reason.
        case brokenStream
    }

    /// Attempts after the first.
    public var maxRetries: Int
    /// Of those, how many may follow a timeout. A reply that took longer than the deadline (a long generation, a
    /// slow model) takes as long again: every further attempt is paid for and cut off the same way.
    public var maxTimeoutRetries = 1
    /// The first backoff delay, in seconds; each later one doubles, up to `maxBackoff`.
    public var initialBackoff: TimeInterval
    /// The largest backoff delay, in seconds.
    public var maxBackoff: TimeInterval
    /// How backoff delays are randomized.
    public var jitter: Jitter
    /// The longest wait a server may ask for with `Retry-After` or `retry-after-ms`: a bogus header must not park a
    /// run for an hour.
    public var maxServerDelay: TimeInterval

    /// A policy; `maxServerDelay` defaults to the larger of twice `maxBackoff` and 120 s.
    public init(
        maxRetries: Int, initialBackoff: TimeInterval, maxBackoff: TimeInterval, jitter: Jitter = .full,
        maxServerDelay: TimeInterval? = nil
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialBackoff = max(0, initialBackoff)
        self.maxBackoff = max(self.initialBackoff, maxBackoff)
        self.jitter = jitter
        self.maxServerDelay = maxServerDelay ?? max(self.maxBackoff * 2, 120)
    }

    /// The policy an endpoint's configuration asks for.
    public init(configuration: EndpointConfiguration, jitter: Jitter = .full) {
        self.init(
            maxRetries: configuration.maxRetries, initialBackoff: configuration.initialBackoff,
            maxBackoff: configuration.maxBackoff, jitter: jitter)
    }

    /// Whether the failure is worth another attempt: 408, 409, 429, every 5xx, timeouts, lost connections and
    /// broken streams. An `x-should-retry` header of "true" or "false" overrides the status.
    public func isRetryable(_ failure: Failure, headers: RetryHeaders = .none) -> Bool {
        switch headers.shouldRetry?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true": return true
        case "false": return false
        default: break
        }
        switch failure {
        case .status(let status): return status == 408 || status == 409 || status == 429 || status >= 500
        case .timeout, .connection, .brokenStream: return true
        }
    }

    /// The wait before retry number `retry` (0 for the first retry).
    ///
    /// The server's word comes first: `retry-after-ms`, then `Retry-After` (seconds or an HTTP date, measured
    /// against `now`), each capped at `maxServerDelay`. Otherwise exponential backoff with the policy's jitter;
    /// `unitRandom` returns values in [0, 1) and `previousDelay` is the last wait (for decorrelated jitter).
    public func delay(
        forRetry retry: Int, headers: RetryHeaders = .none, previousDelay: TimeInterval? = nil, now: Date = Date(),
        unitRandom: () -> Double = { Double.random(in: 0..<1) }
    ) -> TimeInterval {
        if let delay = serverDelay(headers, now: now) { return delay }
        let exponent = Double(min(max(retry, 0), 62))
        let exponential = min(maxBackoff, initialBackoff * pow(2, exponent))
        let random = min(max(unitRandom(), 0), 1)
        switch jitter {
        case .none:
            return exponential
        case .full:
            return exponential * random
        case .decorrelated:
            let upper = max(initialBackoff, (previousDelay ?? initialBackoff) * 3)
            return min(maxBackoff, initialBackoff + (upper - initialBackoff) * random)
        }
    }

    /// The delay the server asked for, if it asked in a form that can be read.
    public func serverDelay(_ headers: RetryHeaders, now: Date = Date()) -> TimeInterval? {
        if let text = headers.retryAfterMilliseconds?.trimmingCharacters(in: .whitespaces),
            let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0
        {
            return min(milliseconds / 1000, maxServerDelay)
        }
        guard let text = headers.retryAfter?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite {
            return min(max(seconds, 0), maxServerDelay)
        }
        if let date = HTTPDate.parse(text) {
            return min(max(date.timeIntervalSince(now), 0), maxServerDelay)
        }
        return nil
    }
}

/// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850 form
/// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`. Parsed by hand: no formatter, no
/// locale.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        for token in tokens {
            if token.contains(":") {
                let fields = token.split(separator: ":").compactMap { Int($0) }
                guard fields.count == 3 else { return nil }
                time = (fields[0], fields[1], fields[2])
            } else if let number = Int(token) {
                if day == nil && token.count <= 2 {
                    day = number
                } else {
                    year = token.count == 2 ? (number < 70 ? 2000 + number : 1900 + number) : number
                }
            } else if let index = months.firstIndex(of: String(token.prefix(3)).lowercased()), token.count == 3 {
                month = index + 1
            }
        }
        guard let day, let month, let year, let time, (1...31).contains(day), time.0 < 24, time.1 < 60, time.2 < 61
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.0 * 3600 + time.1 * 60 + time.2
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
