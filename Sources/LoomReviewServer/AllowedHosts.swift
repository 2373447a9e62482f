/// The names the review app answers to, against DNS rebinding: a page on a site whose name an attacker points at
/// 127.0.0.1 would otherwise reach a loopback app as a page of its own origin (and try passwords from every
/// visitor's browser). Such a request names the attacker's site in `Host`.
///
/// Answered: IP addresses (they cannot be rebound), `localhost` and names under `.localhost`, and the names given
/// (`loom review serve --allowed-host`, and `--host` when it is a name). Refused: every other name, with a reply
/// that says which flag admits it (a proxy that passes its public name on, as Caddy does, needs it).
public struct AllowedHosts: Sendable, Hashable {
    /// Further names, lowercased, without ports.
    public let names: Set<String>

    public init(_ names: some Sequence<String>) {
        self.names = Set(names.map { Self.name(ofHost: $0.lowercased()) ?? $0.lowercased() })
    }

    /// Whether a request with this `Host` header is answered. A request without one (HTTP/1.0) is: every browser
    /// sends it, so its absence is no rebinding.
    public func allows(_ header: String?) -> Bool {
        guard let header else { return true }
        guard let name = Self.name(ofHost: header.lowercased()) else { return false }
        return Self.isAddress(name) || name == "localhost" || name.hasSuffix(".localhost") || names.contains(name)
    }

    /// The host of a `Host` header without its port and trailing dot; nil when it is malformed.
    static func name(ofHost header: String) -> String? {
        var host = Substring(header.trimmingCharacters(in: .whitespaces))
        if host.hasPrefix("[") {
            // An IPv6 literal: "[::1]" or "[::1]:8080".
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy(\.isASCIIDigit)) else { return nil }
            return String(host[...close])
        }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return nil }
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
            return nil
        }
        return String(host)
    }

    /// Whether a host is an IP address: a bracketed IPv6 literal or four decimal octets.
    static func isAddress(_ name: String) -> Bool {
        if name.hasPrefix("[") {
            return name.hasSuffix("]") && name.count > 2
                && name.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) && Int($0)! <= 255 }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
