import Foundation
import Hummingbird
import LoomCore
import LoomReview
import NIOCore

/// Where the review app listens. Loopback unless told otherwise: the app holds a team's work and passwords.
public struct ReviewServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests, benchmarks).
    public var port: Int
    /// Requests from this machine come through an HTTP proxy that appends the client's address to
    /// `X-Forwarded-For`: the login limits count that address (`ReviewRoutes.clientAddress`).
    public var behindProxy: Bool
    /// The names requests may give in `Host` besides addresses and localhost (`AllowedHosts`).
    public var allowedHosts: AllowedHosts
    /// Told of each name the host check refuses (once per name), for the operator who can admit it.
    public var onRefusedHost: (@Sendable (String) -> Void)?

    /// - Parameter allowedHosts: names to answer to besides addresses, localhost, `host` when it is a name, and
    ///   this machine's own names when `host` is not loopback.
    /// - Throws: `AllowedHosts.InvalidName` for a value that is not a host name.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, behindProxy: Bool = false, allowedHosts: [String] = [],
        onRefusedHost: (@Sendable (String) -> Void)? = nil
    ) throws(AllowedHosts.InvalidName) {
        self.host = host
        self.port = port
        self.behindProxy = behindProxy
        let listensBeyondLoopback = !AllowedHosts.isLoopback(host)
        let own = AllowedHosts.name(ofHost: host.lowercased()).map { [$0] } ?? []
        self.allowedHosts = try AllowedHosts(allowedHosts + own + (listensBeyondLoopback ? AllowedHosts.machineNames() : []))
        self.onRefusedHost = onRefusedHost
    }
}

/// Builds the review app's router: every route, the session requirement and the security headers.
public func buildReviewRouter(
    service: ReviewService, behindProxy: Bool = false, allowedHosts: AllowedHosts = .addressesAndLocalhost,
    onRefusedHost: (@Sendable (String) -> Void)? = nil
) async throws -> Router<ReviewRequestContext> {
    let runName = (try? service.store.meta("recipe_name")) ?? nil
    let pages = try await ReviewPages(runName: runName ?? service.runDirectory.lastPathComponent)
    let router = Router(context: ReviewRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: HostCheckMiddleware(allowed: allowedHosts, onRefused: onRefusedHost))
    router.add(middleware: SessionMiddleware(service: service))
    ReviewRoutes(
        service: service, pages: pages, limiter: LoginRateLimiter(), staticFiles: try staticFiles(), behindProxy: behindProxy
    ).register(on: router)
    return router
}

/// Builds the review app; `onServerRunning` gets the bound port (useful with port 0).
public func buildReviewApplication(
    service: ReviewService, configuration: ReviewServerConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let router = try await buildReviewRouter(
        service: service, behindProxy: configuration.behindProxy, allowedHosts: configuration.allowedHosts,
        onRefusedHost: configuration.onRefusedHost)
    return Application(
        router: router,
        // Connections that send nothing for a minute are closed: nothing else would end a slow or idle one.
        server: .http1(configuration: .init(idleTimeout: .seconds(60))),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "loom-review"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) })
}

/// The script and stylesheet, read once (the app uses no CDN: everything it loads comes from here).
private func staticFiles() throws -> [String: (type: String, bytes: [UInt8])] {
    guard let folder = Bundle.module.url(forResource: "Static", withExtension: nil) else {
        throw LoomError(.io, "the review app's static files are missing from the installation", subject: "Static")
    }
    var files: [String: (type: String, bytes: [UInt8])] = [:]
    for name in ["review.js", "review.css"] {
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
        files[name] = (name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", bytes)
    }
    return files
}

/// Builds the review app and serves it until SIGINT or SIGTERM.
public func serveReview(
    service: ReviewService, configuration: ReviewServerConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws {
    let app = try await buildReviewApplication(service: service, configuration: configuration, onServerRunning: onServerRunning)
    try await app.runService()
}
