import Hummingbird
import LoomReview

/// Requires a session on every route but the login page and the static files. Pages without one redirect to
/// the login; API calls, media and posts get 401. Every API call must also carry the session's CSRF token in
/// `X-CSRF-Token` (reads too: taking the next record changes state), and those that write must send JSON (form
/// posts carry the token as a field, checked by their handlers).
/// Paths the router would read as other paths (`//api/…`) are refused first.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = ReviewRequestContext
    static let cookieName = "loom_session"

    let service: ReviewService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // The router reads `//api/x` and `/./api/x` as `/api/x`: a path it would read as another is refused, so that no
        // spelling of an API route escapes the checks below.
        guard Self.isCanonical(path) else { return HTTPReplies.error("not found", status: .notFound) }
        if path == "/login" || path.hasPrefix("/static/") || path == "/favicon.ico" { return try await next(request, context) }
        let token = request.cookies[Self.cookieName]?.value ?? ""
        let service = self.service
        // Nearly every request comes with a session seen in the last seconds: only the others wait for the store.
        let found: ReviewSession?
        if let known = service.cachedSession(token: token) {
            found = known
        } else {
            found = try await blocking { try service.session(token: token) }
        }
        guard let session = found else {
            if request.method == .get, !path.hasPrefix("/api/"), !path.hasPrefix("/media/") {
                return HTTPReplies.redirect("/login")
            }
            return HTTPReplies.error("sign in first", status: .unauthorized)
        }
        if path.hasPrefix("/api/") {
            // Every API call, reads too: `GET /api/next` claims a record and lets go of the reviewer's others, which
            // an <img> on a same-site page could otherwise make the browser do.
            guard let sent = request.headers[.xCSRFToken], Self.constantTimeEqual(sent, session.csrf) else {
                return HTTPReplies.error("the request lacks this session's CSRF token; reload the page", status: .forbidden)
            }
            // The page sends JSON; a body of another type is what a cross-origin form or `no-cors` fetch sends.
            if request.method != .get, request.method != .head, let type = request.headers[.contentType],
                !type.lowercased().hasPrefix("application/json")
            {
                return HTTPReplies.error("API requests send JSON (Content-Type: application/json)", status: .unsupportedMediaType)
            }
        }
        var context = context
        context.session = session
        return try await next(request, context)
    }

    /// Whether `path` is written as the router reads it: no empty, `.` or `..` segments.
    static func isCanonical(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        // A trailing slash ("/review/") leaves one empty last segment, which the router reads as it is.
        return !segments.dropLast().contains { $0.isEmpty || $0 == "." || $0 == ".." } && segments.last != "." && segments.last != ".."
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        PasswordHasher.constantTimeEqual(a.utf8, b.utf8)
    }
}
