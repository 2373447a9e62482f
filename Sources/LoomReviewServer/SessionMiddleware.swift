import Hummingbird
import LoomReview

/// Requires a session on every route but the login page and the static files. Pages without one redirect to
/// the login; API calls, media and posts get 401. API calls that change state must also carry the session's
/// CSRF token in `X-CSRF-Token` (form posts carry it as a field, checked by their handlers).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = ReviewRequestContext
    static let cookieName = "loom_session"

    let service: ReviewService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
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
        if path.hasPrefix("/api/"), request.method != .get, request.method != .head {
            guard let sent = request.headers[.xCSRFToken], Self.constantTimeEqual(sent, session.csrf) else {
                return HTTPReplies.error("the request lacks this session's CSRF token; reload the page", status: .forbidden)
            }
        }
        var context = context
        context.session = session
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        PasswordHasher.constantTimeEqual(a.utf8, b.utf8)
    }
}
