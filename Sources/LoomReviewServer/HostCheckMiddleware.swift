import HTTPTypes
import Hummingbird
import Synchronization

/// Refuses requests whose `Host` names a site the app does not answer to (`AllowedHosts`), before any route or
/// session is looked at. Each refused name is told once to `onRefused` (the server's operator, who can admit it).
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: AllowedHosts
    let onRefused: (@Sendable (String) -> Void)?
    /// Names already told, so that a reviewer reloading the page does not fill the log.
    private let told = ToldNames()
    /// `Host` as a field name: HTTPTypes marks `.host` unavailable, since the first one becomes the authority.
    static var hostField: HTTPField.Name { HTTPField.Name("Host")! }
    /// How many refused names are told at most.
    static var namesTold: Int { 100 }

    init(allowed: AllowedHosts, onRefused: (@Sendable (String) -> Void)? = nil) {
        self.allowed = allowed
        self.onRefused = onRefused
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1's first Host header arrives as the request's authority; any further one stays a field, and each
        // must name an allowed host.
        let hosts = [request.head.authority] + request.headers[values: Self.hostField].map(Optional.some)
        if let host = hosts.first(where: { !allowed.allows($0) }) {
            // A well-formed name is safe to say back (letters, digits, dots, hyphens, underscores); another is not.
            let named = host.flatMap { AllowedHosts.name(ofHost: $0.lowercased()) }
            if let named, let onRefused, told.names.withLock({ $0.count < Self.namesTold && $0.insert(named).inserted }) {
                onRefused(named)
            }
            let admit = named.map {
                " If you reached it by this name on purpose (this machine's network name, a proxy's public name), whoever runs `loom review serve` can admit it with --allowed-host \($0)."
            } ?? ""
            return HTTPReplies.text(
                "This review app does not answer to the name in the address, a guard against DNS rebinding.\(admit)\n",
                status: .forbidden)
        }
        return try await next(request, context)
    }
}

/// The refused names told so far (shared by every copy of the middleware).
private final class ToldNames: Sendable {
    let names = Mutex<Set<String>>([])
}
