import Foundation
import LoomLLM
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 5, initialBackoff: 0.5, maxBackoff: 8, jitter: .full)

    @Test func whichOutcomesRetry() {
        for status in [408, 409, 429, 500, 502, 503, 504, 529] {
            #expect(policy.isRetryable(.status(status)), "status \(status)")
        }
        for status in [400, 401, 403, 404, 413, 422] {
            #expect(!policy.isRetryable(.status(status)), "status \(status)")
        }
        #expect(policy.isRetryable(.timeout))
        #expect(policy.isRetryable(.connection))
        #expect(policy.isRetryable(.brokenStream))
    }

    @Test func xShouldRetryOverridesTheStatus() {
        #expect(!policy.isRetryable(.status(503), headers: RetryHeaders([("X-Should-Retry", "false")])))
        #expect(policy.isRetryable(.status(400), headers: RetryHeaders([("x-should-retry", "true")])))
        #expect(policy.isRetryable(.status(500), headers: RetryHeaders([("x-should-retry", "maybe")])))
    }

    @Test func retryAfterMillisecondsComesFirst() {
        let headers = RetryHeaders([("retry-after-ms", "250"), ("Retry-After", "30")])
        #expect(policy.delay(forRetry: 0, headers: headers) == 0.25)
    }

    @Test func retryAfterInSecondsAndAsAnHTTPDate() {
        #expect(policy.delay(forRetry: 3, headers: RetryHeaders([("Retry-After", "7")])) == 7)
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        let date = RetryHeaders(retryAfter: "Sun, 06 Nov 1994 08:49:49 GMT")
        #expect(policy.delay(forRetry: 0, headers: date, now: now) == 12)
        let obsolete = RetryHeaders(retryAfter: "Sunday, 06-Nov-94 08:49:40 GMT")
        #expect(policy.delay(forRetry: 0, headers: obsolete, now: now) == 3)
        let asctime = RetryHeaders(retryAfter: "Sun Nov  6 08:49:47 1994")
        #expect(policy.delay(forRetry: 0, headers: asctime, now: now) == 10)
        // A date in the past means now.
        #expect(policy.delay(forRetry: 0, headers: RetryHeaders(retryAfter: "Sat, 05 Nov 1994 08:49:37 GMT"), now: now) == 0)
    }

    @Test func serverDelaysAreCapped() {
        #expect(policy.maxServerDelay == 120)
        #expect(policy.delay(forRetry: 0, headers: RetryHeaders(retryAfter: "86400")) == 120)
        #expect(policy.delay(forRetry: 0, headers: RetryHeaders(retryAfterMilliseconds: "999999999")) == 120)
    }

    @Test func unreadableHeadersFallBackToBackoff() {
        let delay = policy.delay(forRetry: 0, headers: RetryHeaders(retryAfter: "soon"), unitRandom: { 0.5 })
        #expect(delay == 0.25)
    }

    @Test func exponentialBackoffWithFullJitterStaysInBounds() {
        // The upper bound doubles from the initial backoff and stops at maxBackoff.
        let upper = (0..<8).map { policy.delay(forRetry: $0, unitRandom: { 1 }) }
        #expect(upper == [0.5, 1, 2, 4, 8, 8, 8, 8])
        let lower = (0..<8).map { policy.delay(forRetry: $0, unitRandom: { 0 }) }
        #expect(lower.allSatisfy { $0 == 0 })
        #expect(policy.delay(forRetry: 2, unitRandom: { 0.25 }) == 0.5)
        #expect(policy.delay(forRetry: 1000, unitRandom: { 1 }) == 8)
    }

    @Test func noJitterAndDecorrelatedJitter() {
        let plain = RetryPolicy(maxRetries: 3, initialBackoff: 1, maxBackoff: 5, jitter: .none)
        #expect((0..<4).map { plain.delay(forRetry: $0) } == [1, 2, 4, 5])
        let decorrelated = RetryPolicy(maxRetries: 3, initialBackoff: 1, maxBackoff: 20, jitter: .decorrelated)
        #expect(decorrelated.delay(forRetry: 0, previousDelay: nil, unitRandom: { 0 }) == 1)
        #expect(decorrelated.delay(forRetry: 0, previousDelay: nil, unitRandom: { 1 }) == 3)
        #expect(decorrelated.delay(forRetry: 1, previousDelay: 4, unitRandom: { 1 }) == 12)
        #expect(decorrelated.delay(forRetry: 2, previousDelay: 12, unitRandom: { 1 }) == 20)
    }

    @Test func theConfigurationSetsThePolicy() {
        let configuration = EndpointConfiguration(
            name: "e", baseURL: "http://x/v1", model: "m", maxRetries: 2, initialBackoff: 0.01, maxBackoff: 0.1)
        let policy = RetryPolicy(configuration: configuration)
        #expect(policy.maxRetries == 2)
        #expect(policy.initialBackoff == 0.01)
        #expect(policy.maxBackoff == 0.1)
    }
}
