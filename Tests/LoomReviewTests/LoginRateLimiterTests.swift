import Testing

@testable import LoomReviewServer

@Suite("Login rate limits")
struct LoginRateLimiterTests {
    @Test("a burst of guesses is cut at the limit even before any of them is answered")
    func aBurstIsCutAtTheLimit() {
        let limiter = LoginRateLimiter(limit: 5, window: 300)
        // Twenty guesses arrive before the first password hash is done: only five are let through.
        let admitted = (0..<20).filter { _ in limiter.admit(["peer:1.2.3.4", "name:ann"], now: 1000) == nil }
        #expect(admitted.count == 5)
        #expect(limiter.admit(["peer:5.6.7.8", "name:ann"], now: 1001) != nil)  // the name is locked for everyone
        #expect(limiter.admit(["peer:5.6.7.8", "name:ben"], now: 1001) == nil)
        #expect(limiter.admit(["peer:1.2.3.4", "name:ann"], now: 1301) == nil)  // the window has passed
    }

    @Test("successes do not lock out colleagues behind one address")
    func successesAreTakenBack() {
        let limiter = LoginRateLimiter(limit: 5, window: 300)
        for person in ["ann", "ben", "cat", "dan", "eve", "fay", "gus"] {
            #expect(limiter.admit(["peer:10.0.0.1", "name:\(person)"], now: 1000) == nil)
            limiter.succeeded(clearing: ["name:\(person)"], takingBackFrom: ["peer:10.0.0.1"])
        }
        #expect(limiter.admit(["peer:10.0.0.1", "name:hal"], now: 1000) == nil)
    }

    @Test("one reviewer's failed sign-ins lock that name, not colleagues behind the same address; many names from one address lock it")
    func oneNamesFailuresDoNotLockTheTeam() {
        let limiter = LoginRateLimiter(limit: 5, peerLimit: 12, window: 300)
        for _ in 0..<5 { #expect(limiter.admit(["peer:127.0.0.1", "name:cat"], now: 1000) == nil) }
        #expect(limiter.admit(["peer:127.0.0.1", "name:cat"], now: 1000) != nil)
        #expect(limiter.admit(["peer:127.0.0.1", "name:ben"], now: 1000) == nil)
        // Guesses spread over names are still capped per address.
        for index in 0..<6 { _ = limiter.admit(["peer:127.0.0.1", "name:guess\(index)"], now: 1000) }
        #expect(limiter.admit(["peer:127.0.0.1", "name:dan"], now: 1000) != nil)
    }

    @Test("behind a declared proxy on this machine, the address it appended is the client's; anyone else's header is not read")
    func forwardedAddresses() {
        #expect(ReviewRoutes.clientAddress(socket: "127.0.0.1", forwardedFor: "203.0.113.9") == "203.0.113.9")
        // The client may write its own entries first: only the proxy's last one counts.
        #expect(ReviewRoutes.clientAddress(socket: "::1", forwardedFor: "10.0.0.1, 198.51.100.7") == "198.51.100.7")
        #expect(ReviewRoutes.clientAddress(socket: "198.51.100.7", forwardedFor: "10.0.0.1") == "198.51.100.7")
        #expect(ReviewRoutes.clientAddress(socket: "127.0.0.1", forwardedFor: nil) == "127.0.0.1")
    }
}
