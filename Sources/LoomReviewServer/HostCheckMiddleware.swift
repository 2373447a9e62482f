import HTTPTypes
import Hummingbird

/// Refuses requests whose `Host` names a site the app does not answer to (`AllowedHosts`), before any route or
/// session is looked at.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: AllowedHosts
    /// `Host` as a field name: HTTPTypes marks `.host` unavailable, since the first one becomes the authority.
    static var hostField: HTTPField.Name { HTTPField.Name("Host")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1's first Host header arrives as the request's authority; any further one stays a field, and each
        // must name an allowed host.
        let hosts = [request.head.authority] + request.headers[values: Self.hostField].map(Optional.some)
        if let host = hosts.first(where: { !allowed.allows($0) }) {
            // A well-formed name is safe to say back (letters, digits, dots and hyphens); another is not repeated.
            let named = host.flatMap { AllowedHosts.name(ofHost: $0.lowercased()) }
            let flag = named.map { " If it is your proxy's public name, serve with --allowed-host \($0)." } ?? ""
            return HTTPReplies.error(
                "This review app does not answer to the name in the address (a guard against DNS rebinding).\(flag)",
                status: .forbidden)
        }
        return try await next(request, context)
    }
}
