import LoomReviewServer
import Testing

@Suite("The names the review app answers to")
struct AllowedHostsTests {
    @Test("addresses, localhost and the names given are answered; other names, and malformed hosts, are not")
    func hostsAnswered() {
        let allowed = AllowedHosts(["Review.Example.org", "tunnel:9000"])
        for host in [
            "127.0.0.1:8080", "127.0.0.1", "localhost:8080", "LOCALHOST", "app.localhost:8080", "[::1]:8080", "[::1]",
            "192.168.1.20:8080", "review.example.org", "review.example.org.:443", "tunnel:8080",
        ] {
            #expect(allowed.allows(host), "\(host)")
        }
        #expect(allowed.allows(nil))
        for host in [
            "evil.example:8080", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "review.example.org.evil.example",
            "", ":8080", "[::1", "[::1]x", "[evil]:80", "999.1.1.1", "1.2.3", "a b", "evil.example:80x", "évil.example",
        ] {
            #expect(!allowed.allows(host), "\(host)")
        }
    }
}
