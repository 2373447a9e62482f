import Foundation
import HTTPTypes
import Hummingbird
import LoomCore
import LoomReview
import LoomStore
import NIOCore

/// The review app's routes. Pages are server-rendered; the review screen's script calls the `/api/` routes,
/// which answer JSON (with server-rendered HTML fragments where a record is shown).
struct ReviewRoutes: Sendable {
    typealias Context = ReviewRequestContext

    let service: ReviewService
    let pages: ReviewPages
    let limiter: LoginRateLimiter
    /// Static files (`Static/`), read once at start.
    let staticFiles: [String: (type: String, bytes: [UInt8])]
    /// Whether `X-Forwarded-For` from this machine is a proxy's (`ReviewServerConfiguration.behindProxy`).
    var behindProxy = false
    /// Password checks at once: half the cores, so that sign-ins leave threads and cores to the reviewers' pages.
    /// JPEGs of the photos browsers cannot show (HEIC).
    var previews = MediaPreviews()
    var hashSlots = WorkSlots(limit: max(1, ProcessInfo.processInfo.activeProcessorCount / 2), maxWaiting: 32)

    static let loginCSRFCookie = "loom_login_csrf"

    func register(on router: Router<Context>) {
        router.get("/login") { request, context in self.loginPage(request, context, error: nil) }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, context in try await self.logout(request, context) }
        router.get("/static/{file}") { _, context in try self.staticFile(context.parameters.require("file")) }
        router.get("/") { _, context in try await self.home(context) }
        router.post("/batches") { request, context in try await self.createBatch(request, context) }
        router.get("/review/{batch}") { _, context in try await self.reviewScreen(context, batch: context.parameters.require("batch")) }
        router.get("/adjudicate") { _, context in try await self.reviewScreen(context, batch: nil) }
        router.get("/records/{id}") { _, context in try await self.recordPage(context, id: Self.recordID(context), notice: nil) }
        router.post("/records/{id}/restore") { request, context in try await self.restore(request, context) }
        router.get("/progress") { _, context in try await self.progressPage(context) }
        router.get("/media/{id}") { _, context in try await self.media(context.parameters.require("id")) }
        router.get("/api/next") { request, context in try await self.next(request, context) }
        router.post("/api/records/{id}/verdict") { request, context in try await self.verdict(request, context) }
        router.post("/api/records/{id}/skip") { _, context in try await self.skip(context) }
        router.post("/api/unskip") { request, context in try await self.unskip(request, context) }
        router.post("/api/records/{id}/edit") { request, context in try await self.edit(request, context) }
    }

    // MARK: Login

    private func loginPage(_ request: Request, _ context: Context, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        // Keep the token the browser already has: a second login page (another tab, a stray request redirected
        // here) must not invalidate the form that is open.
        let existing = request.cookies[Self.loginCSRFCookie]?.value ?? ""
        let token = existing.utf8.count == 64 && existing.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) ? existing : ReviewService.randomToken()
        var values: [String: Any] = ["loginCSRF": token]
        if let error { values["error"] = error }
        var response = HTTPReplies.html(pages.page("login", title: "Sign in", session: nil, values), status: status)
        response.setCookie(Cookie(
            name: Self.loginCSRFCookie, value: token, path: "/login", secure: cameOverTLS(request), httpOnly: true, sameSite: .strict))
        return response
    }

    private struct LoginForm: Decodable {
        var name: String
        var password: String
        var csrf: String?
    }

    private func login(_ request: Request, _ context: Context) async throws -> Response {
        guard let form = try? await Self.form(LoginForm.self, request, context) else {
            return loginPage(request, context, error: "Give a name and a password.", status: .badRequest)
        }
        // Login CSRF: the form's token must match the cookie set with the form (double submit).
        guard let cookie = request.cookies[Self.loginCSRFCookie]?.value, let sent = form.csrf,
            SessionMiddleware.constantTimeEqual(cookie, sent)
        else {
            return loginPage(request, context, error: "The sign-in form expired. Try again.", status: .forbidden)
        }
        // A name no account can have is refused before it is counted: the limiter would otherwise keep whatever
        // was posted (up to the body limit, a megabyte an attempt) as a key for the length of its window.
        guard ReviewService.isValidName(form.name) else {
            return loginPage(request, context, error: "Wrong name or password.", status: .unauthorized)
        }
        let now = service.now
        let client = Self.clientAddress(socket: context.peer, forwardedFor: behindProxy ? request.headers[Self.forwardedFor] : nil)
        let (peer, name) = ("peer:" + client, "name:" + form.name.lowercased())
        if let wait = limiter.admit([peer, name], now: now) {
            var response = loginPage(
                request, context, error: "Too many failed sign-ins. Try again in \(Int(wait.rounded(.up))) seconds.", status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        let service = self.service
        // The attempt already counts as a failure (`admit`); a success takes it back.
        let checked = try await hashSlots.run {
            try await blocking { try service.login(name: form.name, password: form.password) }
        }
        guard let checked else {
            // Turned away unchecked: the attempt is no failure of the account's or the address's.
            limiter.succeeded(clearing: [], takingBackFrom: [peer, name])
            var response = loginPage(request, context, error: "Too many sign-ins at once. Try again in a few seconds.", status: .serviceUnavailable)
            response.headers[.retryAfter] = "5"
            return response
        }
        guard let login = checked else {
            return loginPage(request, context, error: "Wrong name or password.", status: .unauthorized)
        }
        limiter.succeeded(clearing: [name], takingBackFrom: [peer])
        var response = HTTPReplies.redirect("/")
        response.setCookie(
            Cookie(
                name: SessionMiddleware.cookieName, value: login.token, maxAge: Int(service.settings.sessionSeconds), path: "/",
                secure: cameOverTLS(request), httpOnly: true, sameSite: .strict))
        return response
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// Whether the browser reached the app over HTTPS: the proxy it is declared to be behind says so in
    /// `X-Forwarded-Proto` (the value it set last). Its cookies are then `Secure`, never sent over plain HTTP. Read
    /// from any peer: the proxy may be in another container, and a client that sends the header itself only makes
    /// its own cookies stricter.
    func cameOverTLS(_ request: Request) -> Bool {
        guard behindProxy, let proto = request.headers[values: Self.forwardedProto].last?.split(separator: ",").last else { return false }
        return proto.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }

    /// The address a login attempt comes from, for the rate limit: the socket's, or, when that is this machine and
    /// the app is declared behind an HTTP proxy (through which the whole team arrives), the address the proxy
    /// appended last to `X-Forwarded-For`. Without it one outsider's failed guesses would lock every colleague out;
    /// earlier entries are the client's own word and are not read. (Through an SSH tunnel or a TCP proxy nothing
    /// appends the header, so it is read only when declared.)
    static func clientAddress(socket: String, forwardedFor: String?) -> String {
        guard AllowedHosts.isLoopback(socket),
            let last = forwardedFor?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty, last.utf8.count <= 64
        else { return socket }
        return last
    }

    private struct CSRFForm: Decodable {
        var csrf: String?
    }

    private func logout(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let form = try? await Self.form(CSRFForm.self, request, context)
        if let refusal = tokenRefusal(form?.csrf, session, context) { return refusal }
        let token = request.cookies[SessionMiddleware.cookieName]?.value ?? ""
        let service = self.service
        try await blocking { try service.logout(token: token) }
        var response = HTTPReplies.redirect("/login")
        response.setCookie(Cookie(name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    // MARK: Pages

    private func home(_ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let service = self.service
        let batches = try await blocking {
            try service.store.reviewBatches().map { batch in (batch, try service.batchCounts(batch)) }
        }
        let rows = batches.map { batch, counts -> [String: Any] in
            [
                "id": batch.id, "name": batch.name, "summary": batch.filter.summary, "records": counts.records,
                "accepted": counts.accepted, "rejected": counts.rejected, "adjudication": counts.adjudication,
            ]
        }
        let values: [String: Any] = [
            "batches": rows, "hasBatches": !rows.isEmpty, "isAdmin": session.account.role == .admin,
            "passes": service.settings.passes, "policy": service.settings.policy.rawValue,
        ]
        return HTTPReplies.html(pages.page("home", title: "Batches", session: session, values))
    }

    private struct BatchForm: Decodable {
        var csrf: String?
        var name: String
        var domains: String?
        var types: String?
        var skills: String?
        var flags: String?
        var flagCode: String?
        var verdict: String?
    }

    private func createBatch(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        guard let form = try? await Self.form(BatchForm.self, request, context) else {
            return refusedForm(context, "the batch form is incomplete: it needs a name", status: .badRequest)
        }
        if let refusal = tokenRefusal(form.csrf, session, context) { return refusal }
        func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let code = form.flagCode?.trimmingCharacters(in: .whitespaces)
        let filter = ReviewBatchFilter(
            domains: list(form.domains), types: list(form.types), skills: list(form.skills),
            flags: RecordSelection.Flags(rawValue: form.flags ?? "") ?? .include,
            flagCode: code?.isEmpty == false ? code : nil,
            verdict: ReviewBatchFilter.ModelVerdict(rawValue: form.verdict ?? ""))
        let service = self.service
        do {
            _ = try await blocking { try service.createBatch(name: form.name, filter: filter, by: session.account) }
        } catch let refusal as ReviewRefusal {
            return refusedForm(context, refusal.message, status: HTTPReplies.status(of: refusal))
        }
        return HTTPReplies.redirect("/")
    }

    private func reviewScreen(_ context: Context, batch: String?) async throws -> Response {
        let session = try Self.session(context)
        let queue: String
        let heading: String
        if let batch {
            guard let id = Int64(batch), let found = try await self.batch(id) else {
                return refusedForm(context, "there is no batch \(batch)", status: .notFound)
            }
            queue = "batch:\(found.id)"
            heading = "Reviewing “\(found.name)”"
        } else {
            guard session.account.role.adjudicates else {
                return refusedForm(context, "the adjudication queue is for adjudicators and admins", status: .forbidden)
            }
            queue = "adjudication"
            heading = "Adjudication: records the passes disagreed on"
        }
        return HTTPReplies.html(pages.page("review", title: heading, session: session, ["queue": queue, "heading": heading]))
    }

    private func recordPage(_ context: Context, id: String, notice: String?) async throws -> Response {
        let session = try Self.session(context)
        // The history holds every reviewer's verdicts: an annotator who saw them would not review independently.
        guard session.account.role.adjudicates else {
            return refusedForm(context, "a record's history (its passes and versions) is for adjudicators and admins", status: .forbidden)
        }
        let service = self.service
        let view: ReviewRecordView
        do {
            view = try await blocking { try service.view(recordID: id, withVersions: true) }
        } catch let refusal as ReviewRefusal {
            return refusedForm(context, refusal.message, status: HTTPReplies.status(of: refusal))
        }
        var values = ReviewPages.recordValues(view, passes: service.settings.passes)
        values["hasVersions"] = !view.versions.isEmpty
        let canRestore = session.account.role.adjudicates
        values["versions"] = view.versions.reversed().map { version -> [String: Any] in
            var row: [String: Any] = [
                "recordPath": ReviewPages.pathSegment(view.record.id), "version": version.version, "author": version.author,
                "when": ReviewPages.timestamp(version.createdAt), "note": version.note,
                "turns": version.record.turns.map { ["text": $0.text] },
                // Options, answer key and flags: a version that changed only these must show what it changed.
                "options": (version.record.options ?? []).enumerated().map { index, text -> [String: Any] in
                    ["letter": index < optionLetters.count ? optionLetters[index] : "?", "text": text]
                },
                "flags": version.record.flags.map { ["code": $0.code, "reason": $0.reason] },
                "canRestore": canRestore && version.version != view.state.version, "current": view.state.version,
            ]
            // Left out when there is none: the template shows a section for any string, the empty one too.
            if let key = version.record.answerKey, !key.isEmpty { row["answerKey"] = key }
            return row
        }
        if let notice { values["notice"] = notice }
        return HTTPReplies.html(pages.page("record", title: "Record \(id.prefix(12))", session: session, values))
    }

    private struct RestoreForm: Decodable {
        var csrf: String?
        var version: Int
        var seen: Int
    }

    private func restore(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let id = try Self.recordID(context)
        guard let form = try? await Self.form(RestoreForm.self, request, context) else {
            return refusedForm(context, "the restore form is incomplete", status: .badRequest)
        }
        if let refusal = tokenRefusal(form.csrf, session, context) { return refusal }
        let service = self.service
        do {
            _ = try await blocking {
                try service.restore(recordID: id, version: form.version, seenVersion: form.seen, by: session.account)
            }
        } catch let refusal as ReviewRefusal {
            return refusedForm(context, refusal.message, status: HTTPReplies.status(of: refusal))
        }
        return HTTPReplies.redirect("/records/\(ReviewPages.pathSegment(id))")
    }

    private func progressPage(_ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let service = self.service
        let progress = try await blocking { try service.progress() }
        func figure(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        let statuses = ReviewStatus.allCases.map { ["name": $0.rawValue, "count": progress.statuses[$0] ?? 0] as [String: Any] }
        let agreement = progress.agreement
        let values: [String: Any] = [
            "statuses": statuses, "total": progress.totalRecords,
            "hasRounds": !progress.rounds.isEmpty,
            "rounds": progress.rounds.map { ["pass": $0.pass, "done": $0.accepted + $0.rejected, "accepted": $0.accepted, "rejected": $0.rejected] },
            "hasReviewers": !progress.reviewers.isEmpty,
            "reviewers": progress.reviewers.map { reviewer -> [String: Any] in
                [
                    "name": reviewer.name, "passes": reviewer.passes, "accepted": reviewer.accepted,
                    "lastHour": reviewer.lastHour, "perHour": reviewer.perHour.map { String(format: "%.1f", $0) } ?? "—",
                ]
            },
            "fleiss": figure(agreement.fleiss),
            "fleissNote": agreement.fleissRecords > 0
                ? "over \(agreement.fleissRecords) records with \(agreement.fleissRaters) passes each"
                : "needs records with at least two passes",
            "hasPairs": !agreement.pairs.isEmpty,
            "pairs": agreement.pairs.map { pair -> [String: Any] in
                [
                    "first": pair.first, "second": pair.second, "records": pair.records,
                    "observed": String(format: "%.1f%%", pair.observed * 100), "kappa": figure(pair.kappa),
                ]
            },
        ]
        return HTTPReplies.html(pages.page("progress", title: "Progress", session: session, values))
    }

    private func media(_ id: String) async throws -> Response {
        let service = self.service
        guard let file = try await blocking({ try service.mediaFile(id: id) }) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "no such medium in this run")))
        }
        if MediaPreviews.needsPreview(file.format) {
            // A phone's HEIC photo: only Safari shows those, so every browser gets a JPEG of it.
            let preview: [UInt8]?
            do {
                preview = try await previews.jpeg(id: id, file: file.url)
            } catch let failure as MediaPreviews.PreviewFailure {
                return HTTPReplies.text("this photo cannot be shown: \(failure)\n", status: failure.missing ? .notFound : .unprocessableContent)
            }
            guard let preview else {
                var busy = HTTPReplies.text("busy making previews; reload in a moment\n", status: .serviceUnavailable)
                busy.headers[.retryAfter] = "2"
                return busy
            }
            return Response(
                status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: preview)))
        }
        guard let bytes = try? await blocking({ try Data(contentsOf: file.url) }) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "no such medium in this run")))
        }
        let type: String =
            switch file.format.lowercased() {
            case "png": "image/png"
            case "jpeg", "jpg": "image/jpeg"
            case "webp": "image/webp"
            case "avif": "image/avif"
            default: "application/octet-stream"
            }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func staticFile(_ name: String) throws -> Response {
        guard let file = staticFiles[name] else { return Response(status: .notFound) }
        return Response(
            status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    // MARK: API

    private struct NextAnswer {
        var html: String
        var done: Bool
        var message: String?
        var record: String?

        /// The answer as JSON, written with `JSONText`: the fragment is most of its bytes, and quoting them with
        /// `JSONEncoder` took a tenth as long as rendering the fragment.
        var json: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(html.utf8.count + 128)
            out.append(contentsOf: #"{"html":"#.utf8)
            JSONText.appendQuoted(html, to: &out)
            out.append(contentsOf: done ? #","done":true"#.utf8 : #","done":false"#.utf8)
            if let message {
                out.append(contentsOf: #","message":"#.utf8)
                JSONText.appendQuoted(message, to: &out)
            }
            if let record {
                out.append(contentsOf: #","record":"#.utf8)
                JSONText.appendQuoted(record, to: &out)
            }
            out.append(0x7D)
            return out
        }
    }

    private func next(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let service = self.service
        let queueName = request.uri.queryParameters["queue"].map(String.init) ?? ""
        let queue: ReviewQueue
        if queueName == "adjudication" {
            queue = .adjudication
        } else if queueName.hasPrefix("batch:"), let id = Int64(queueName.dropFirst(6)),
            let batch = try await self.batch(id)
        {
            queue = .batch(batch)
        } else {
            return HTTPReplies.error("unknown queue '\(queueName)'", status: .badRequest)
        }
        do {
            let found = try await service.nextWithView(queue, for: session.account)
            guard let (claim, view) = found else {
                let message = queue == .adjudication
                    ? "Nothing to adjudicate."
                    : "Nothing left for you in this batch: every record has its passes, is held by someone else, or was reviewed or skipped by you."
                var skipped = 0
                if case .batch(let batch) = queue {
                    skipped = try await blocking { try service.skippedCount(in: batch, by: session.account) }
                }
                return HTTPReplies.json(bytes: NextAnswer(html: pages.queueDone(message: message, skipped: skipped), done: true, message: message).json)
            }
            let html = pages.recordFragment(
                view, claim: claim, passes: service.settings.passes, rejectReasons: service.checklists.rejectReasons,
                showsEarlierPasses: session.account.role.adjudicates)
            return HTTPReplies.json(bytes: NextAnswer(html: html, done: false, record: claim.recordID).json)
        } catch let refusal as ReviewRefusal {
            return HTTPReplies.error(refusal.message, status: HTTPReplies.status(of: refusal))
        }
    }

    private struct VerdictBody: Decodable {
        var verdict: ReviewVerdict
        var reason: String?
        var pass: Int
        var version: Int
        var adjudication: Bool?
    }

    private struct StateAnswer: Encodable {
        var status: String
        var version: Int
        var passes: Int
    }

    private func verdict(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let id = try Self.recordID(context)
        guard let body = try? await request.decode(as: VerdictBody.self, context: context) else {
            return HTTPReplies.error("expected {verdict: accept|reject, reason, pass, version}", status: .badRequest)
        }
        let service = self.service
        do {
            let state = try await service.decide(
                recordID: id, verdict: body.verdict, reason: body.reason, pass: body.pass, seenVersion: body.version,
                adjudication: body.adjudication ?? false, by: session.account)
            return HTTPReplies.json(StateAnswer(status: state.status.rawValue, version: state.version, passes: state.passes))
        } catch let refusal as ReviewRefusal {
            return HTTPReplies.error(refusal.message, status: HTTPReplies.status(of: refusal))
        }
    }

    private func skip(_ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let id = try Self.recordID(context)
        let service = self.service
        do {
            try await blocking { try service.skip(recordID: id, by: session.account) }
        } catch let refusal as ReviewRefusal {
            // Not held any more (the lease ran out and a colleague took it, another tab moved on): said, not a 500.
            return HTTPReplies.error(refusal.message, status: HTTPReplies.status(of: refusal))
        }
        return HTTPReplies.json(["skipped": id])
    }

    /// Serves the reviewer the records of a batch they skipped again (`?queue=batch:ID`).
    private func unskip(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let queueName = request.uri.queryParameters["queue"].map(String.init) ?? ""
        guard queueName.hasPrefix("batch:"), let id = Int64(queueName.dropFirst(6)), let batch = try await self.batch(id) else {
            return HTTPReplies.error("unknown queue '\(queueName)'", status: .badRequest)
        }
        let service = self.service
        let count = try await blocking { try service.unskip(batch, by: session.account) }
        return HTTPReplies.json(["unskipped": count])
    }

    private struct EditBody: Decodable {
        var version: Int
        /// The pass the page was loaded for (`data-pass`, `data-adjudication`): an edit sent after that pass was
        /// completed is refused.
        var pass: Int?
        var adjudication: Bool?
        /// A turn's new text, or null for a turn left as it is.
        var turns: [String?]?
        var options: [String]?
        var answerKey: String?
    }

    private struct EditAnswer: Encodable {
        var version: Int
        var flags: [[String: String]]
        var html: String
    }

    private func edit(_ request: Request, _ context: Context) async throws -> Response {
        let session = try Self.session(context)
        let id = try Self.recordID(context)
        let body: EditBody
        do {
            body = try await request.decode(as: EditBody.self, context: context)
        } catch is NIOTooManyBytesError {
            return HTTPReplies.error(
                "the edit is larger than the \(context.maxUploadSize >> 20) MiB one save may carry: shorten the text", status: .contentTooLarge)
        } catch {
            return HTTPReplies.error("expected {version, turns, options, answerKey}", status: .badRequest)
        }
        let service = self.service
        do {
            let (saved, flags, view) = try await blocking {
                let result = try service.edit(
                    recordID: id, RecordEdit(turns: body.turns, options: body.options, answerKey: body.answerKey),
                    seenVersion: body.version, seenPass: body.pass.map { ($0, body.adjudication ?? false) }, by: session.account)
                return (result.state, result.flags, try service.view(recordID: id))
            }
            let claim = saved.lease.map {
                ReviewClaim(recordID: id, pass: $0.pass, version: saved.version, expiresAt: $0.expiresAt, adjudication: saved.status == .adjudication)
            }
            let html = pages.recordFragment(
                view, claim: claim, passes: service.settings.passes, rejectReasons: service.checklists.rejectReasons,
                showsEarlierPasses: session.account.role.adjudicates)
            return HTTPReplies.json(
                EditAnswer(version: saved.version, flags: flags.map { ["code": $0.code, "reason": $0.reason] }, html: html))
        } catch let refusal as ReviewRefusal {
            return HTTPReplies.error(refusal.message, status: HTTPReplies.status(of: refusal))
        }
    }

    // MARK: Helpers

    /// The record id in the request's path, percent-decoded: the router hands over path segments as sent, and
    /// ids (kept as written on import) may hold spaces, `#`, `/` or any other character a URL must encode.
    private static func recordID(_ context: Context) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding else {
            throw HTTPError(.badRequest, message: "the record id in the address is not valid percent-encoding")
        }
        return id
    }

    /// A batch, from the service's memory when it has been read before (every "next" names one).
    private func batch(_ id: Int64) async throws -> ReviewBatch? {
        if let known = service.cachedBatch(id: id) { return known }
        let service = self.service
        return try await blocking { try service.batch(id: id) }
    }

    private static func session(_ context: Context) throws -> ReviewSession {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        return session
    }

    /// Decodes an `application/x-www-form-urlencoded` body.
    private static func form<T: Decodable>(_ type: T.Type, _ request: Request, _ context: Context) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer))
    }

    /// The refusal of a form post whose CSRF field is not the session's token, or nil if it is.
    private func tokenRefusal(_ sent: String?, _ session: ReviewSession, _ context: Context) -> Response? {
        guard let sent, SessionMiddleware.constantTimeEqual(sent, session.csrf) else {
            return refusedForm(context, "the form lacks this session's CSRF token; reload the page", status: .forbidden)
        }
        return nil
    }

    private func refusedForm(_ context: Context, _ message: String, status: HTTPResponse.Status) -> Response {
        HTTPReplies.html(
            pages.page(
                "message", title: "Not done", session: context.session,
                ["heading": "That did not go through", "message": message, "kind": "error"]),
            status: status)
    }
}
