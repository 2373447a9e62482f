import Foundation

/// The names the review app answers to, against DNS rebinding: a page on a site whose name an attacker points at
/// 127.0.0.1 would otherwise reach a loopback app as a page of its own origin (and try passwords from every
/// visitor's browser). Such a request names the attacker's site in `Host`.
///
/// Answered: IP addresses (they cannot be rebound), `localhost` and names under `.localhost`, and the names given
/// (`loom review serve --allowed-host`, `--host` when it is a name, and this machine's own network names when the
/// app listens beyond loopback). Refused: every other name, with a reply that says which flag admits it.
public struct AllowedHosts: Sendable, Hashable {
    /// Further names, lowercased, without ports.
    public let names: Set<String>

    /// - Throws: `InvalidName` for a value that is not a host name (a URL, a path, a wildcard, a non-ASCII name).
    public init(_ names: some Sequence<String>) throws(InvalidName) {
        var parsed = Set<String>()
        for given in names {
            guard let name = Self.name(ofHost: given.lowercased()) else { throw InvalidName(value: given) }
            parsed.insert(name)
        }
        self.names = parsed
    }

    /// Addresses and localhost alone.
    public static var addressesAndLocalhost: AllowedHosts { AllowedHosts(parsed: []) }

    private init(parsed: Set<String>) { names = parsed }

    /// A value `--allowed-host` cannot use.
    public struct InvalidName: Error, CustomStringConvertible {
        public var value: String
        public var description: String {
            "'\(value)' is not a host name: give a name such as review.example.org, without scheme, port range, path or wildcard; for a name with non-ASCII letters give its xn-- form"
        }
    }

    /// Whether a request with this `Host` header is answered. A request without one (HTTP/1.0) is: every browser
    /// sends it, so its absence is no rebinding.
    public func allows(_ header: String?) -> Bool {
        guard let header else { return true }
        guard let name = Self.name(ofHost: header.lowercased()) else { return false }
        return Self.isAddress(name) || name == "localhost" || name.hasSuffix(".localhost") || names.contains(name)
    }

    /// The host of a `Host` header without its port and trailing dot; nil when it is malformed.
    public static func name(ofHost header: String) -> String? {
        var host = Substring(header.trimmingCharacters(in: .whitespaces))
        if host.hasPrefix("[") {
            // An IPv6 literal: "[::1]" or "[::1]:8080", with a zone after "%25" ("[fe80::1%25eth0]") at most.
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy(\.isASCIIDigit)) else { return nil }
            let literal = host[host.index(after: host.startIndex)..<close]
            let (address, zone) = literal.firstRange(of: "%25").map { (literal[..<$0.lowerBound], literal[$0.upperBound...]) }
                ?? (literal, "")
            guard !address.isEmpty, address.contains(":"), address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                zone.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._~-".contains($0)) })
            else { return nil }
            return String(host[...close])
        }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return nil }
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        // Underscores too: an nginx upstream or a container name (`review_app`) arrives as the Host.
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") })
        else { return nil }
        return String(host)
    }

    /// Whether a host is an IP address: a bracketed IPv6 literal or four decimal octets.
    static func isAddress(_ name: String) -> Bool {
        // `name(ofHost:)` lets through only well-formed IPv6 literals.
        if name.hasPrefix("[") { return name.hasSuffix("]") && name.count > 2 }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) && Int($0)! <= 255 }
    }

    /// Whether an address or name is this machine's loopback (`127.0.0.0/8`, also IPv4-mapped, `::1`, `localhost`):
    /// a listening address, or a peer's.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" { return true }
        if name.hasPrefix("::ffff:") { name = String(name.dropFirst("::ffff:".count)) }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && isAddress(name)
    }

    /// This machine's network names: its host name, the name's first label, and that label under `.local` (mDNS).
    /// A rebinding page cannot make a browser ask for them without owning the network's name service.
    public static func machineNames() -> [String] {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return [] }
        let full = String(cString: buffer).lowercased()
        guard let name = Self.name(ofHost: full), !isAddress(name) else { return [] }
        let short = String(name.prefix { $0 != "." })
        return Array(Set([name, short, short + ".local"])).sorted()
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
