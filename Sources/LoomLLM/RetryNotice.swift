import Foundation

/// A failed attempt about to be tried again, told to whoever shows the run's progress: a server that is down or
/// still loading otherwise looks like a hang for as long as the backoff lasts (a minute and more).
public struct RetryNotice: Sendable, Hashable {
    /// The endpoint's name.
    public var endpoint: String
    /// Which retry comes next (1 for the first).
    public var retry: Int
    /// How many retries the policy allows in all.
    public var maxRetries: Int
    /// The wait before it, in seconds.
    public var delay: TimeInterval
    /// Why the attempt failed, in words (the `ModelError`'s description).
    public var reason: String

    public init(endpoint: String, retry: Int, maxRetries: Int, delay: TimeInterval, reason: String) {
        self.endpoint = endpoint
        self.retry = retry
        self.maxRetries = maxRetries
        self.delay = delay
        self.reason = reason
    }
}
