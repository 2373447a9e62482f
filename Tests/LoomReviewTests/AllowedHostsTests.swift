import LoomReviewServer
import Testing

@Suite("The names the review app answers to")
struct AllowedHostsTests {
    @Test("addresses, localhost and the names given are answered; other names, and malformed hosts, are not")
    func hostsAnswered() throws {
        let allowed = try AllowedHosts(["Review.Example.org", "tunnel:9000", "review_app"])
        for host in [
            "127.0.0.1:8080", "127.0.0.1", "localhost:8080", "LOCALHOST", "app.localhost:8080", "[::1]:8080", "[::1]",
            "192.168.1.20:8080", "review.example.org", "review.example.org.:443", "tunnel:8080", "review_app",
            "[fe80::1%25eth0]:8080", "[2001:db8::7]",
        ] {
            #expect(allowed.allows(host), "\(host)")
        }
        #expect(allowed.allows(nil))
        for host in [
            "evil.example:8080", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "review.example.org.evil.example",
            "", ":8080", "[::1", "[::1]x", "[evil]:80", "999.1.1.1", "1.2.3", "a b", "evil.example:80x", "évil.example", "other_app",
            "[a b]", "[::1\u{202E}]", "[]", "[1.2.3.4]", "[fe80::1%25eth 0]",
        ] {
            #expect(!allowed.allows(host), "\(host)")
        }
    }

    @Test("a value that can never match a Host is refused when given, saying what to give instead")
    func namesThatCannotMatchAreRefused() {
        for value in ["https://review.example.org", "review.example.org/", "*.example.org", "bücher.example", "", "[a b]"] {
            let error = #expect(throws: AllowedHosts.InvalidName.self) { try AllowedHosts([value]) }
            #expect(error?.description.contains("xn--") == true, "\(value)")
        }
    }

    @Test("loopback is every 127.x.y.z address, ::1 in any spelling, and localhost")
    func loopback() {
        for host in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "LOCALHOST", "localhost", "::ffff:127.0.0.1"] { #expect(AllowedHosts.isLoopback(host), "\(host)") }
        for host in ["0.0.0.0", "192.168.1.2", "::", "127.0.0.1.example", "example.org", "128.0.0.1"] { #expect(!AllowedHosts.isLoopback(host), "\(host)") }
    }

    @Test("this machine's names: its host name, the first label and that label under .local")
    func machineNames() {
        let names = AllowedHosts.machineNames()
        if let short = names.first(where: { $0.hasSuffix(".local") })?.dropLast(".local".count) {
            #expect(names.contains(String(short)))
        }
        #expect(names.allSatisfy { AllowedHosts.name(ofHost: $0) == $0 })
    }
}
