import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LoomReview
import LoomReviewServer
import LoomCore
import LoomStore
import Synchronization
import Testing

/// Every route of the review app, through Hummingbird's in-process test client (no browser, no sockets).
@Suite("Review app routes")
struct ReviewRouteTests {

    /// A signed-in client: the session cookie and the page's CSRF token.
    struct Signed {
        var cookie: String
        var csrf: String
        var headers: HTTPFields { [.cookie: cookie] }
        var apiHeaders: HTTPFields { [.cookie: cookie, .contentType: "application/json", HTTPField.Name("X-CSRF-Token")!: csrf] }
    }

    private func withApp(
        _ fixture: ReviewFixture, behindProxy: Bool = false, allowedHosts: [String] = [],
        onRefusedHost: (@Sendable (String) -> Void)? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = try await buildReviewRouter(
            service: fixture.service, behindProxy: behindProxy, allowedHosts: try AllowedHosts(allowedHosts),
            onRefusedHost: onRefusedHost)
        // Live: through a socket, so that the peer is 127.0.0.1 as it is for a proxy on this machine.
        try await Application(router: router).test(behindProxy ? .live : .router, body)
    }

    private static func cookieValue(_ name: String, in response: TestResponse) -> String? {
        for line in response.headers[values: .setCookie] where line.hasPrefix(name + "=") {
            return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    private static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    private static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in through the login form, as a browser does.
    private func signIn(_ client: any TestClientProtocol, _ name: String, password: String? = nil) async throws -> Signed {
        let form = try await client.execute(uri: "/login", method: .get)
        let loginCookie = try #require(Self.cookieValue("loom_login_csrf", in: form))
        let token = try #require(Self.field("csrf", in: Self.text(form)))
        let body = "name=\(name)&password=\(password ?? "password-\(name)")&csrf=\(token)"
        let response = try await client.execute(
            uri: "/login", method: .post,
            headers: [.cookie: "loom_login_csrf=\(loginCookie)", .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body))
        #expect(response.status == .seeOther)
        let session = try #require(Self.cookieValue("loom_session", in: response))
        let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("loom_session=") } ?? ""
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
        let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: "loom_session=\(session)"])
        let page = Self.text(home)
        let csrf = try #require(page.range(of: "data-csrf=\"").map { String(page[$0.upperBound...].prefix { $0 != "\"" }) })
        return Signed(cookie: "loom_session=\(session)", csrf: csrf)
    }

    @Test func everyRouteButLoginRequiresASession() async throws {
        let fixture = try ReviewFixture(records: 1)
        _ = try fixture.batch()
        try await withApp(fixture) { client in
            for page in ["/", "/review/1", "/adjudicate", "/records/rec-000", "/progress"] {
                let response = try await client.execute(uri: page, method: .get)
                #expect(response.status == .seeOther && response.headers[.location] == "/login", "GET \(page)")
            }
            for resource in ["/media/m000", "/api/next?queue=batch:1"] {
                #expect(try await client.execute(uri: resource, method: .get).status == .unauthorized, "GET \(resource)")
            }
            for action in [
                "/logout", "/batches", "/records/rec-000/restore", "/api/records/rec-000/verdict", "/api/records/rec-000/skip",
                "/api/records/rec-000/edit", "/api/unskip?queue=batch:1",
            ] {
                #expect(try await client.execute(uri: action, method: .post).status == .unauthorized, "POST \(action)")
            }
            #expect(try await client.execute(uri: "/login", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/static/review.js", method: .get).status == .ok)
            // A made-up session token is no session.
            let forged = try await client.execute(uri: "/progress", method: .get, headers: [.cookie: "loom_session=deadbeef"])
            #expect(forged.status == .seeOther)
        }
    }

    @Test func loginIsRateLimitedAfterRepeatedFailures() async throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("ann")
        try await withApp(fixture) { client in
            for _ in 0..<5 {
                let form = try await client.execute(uri: "/login", method: .get)
                let cookie = try #require(Self.cookieValue("loom_login_csrf", in: form))
                let token = try #require(Self.field("csrf", in: Self.text(form)))
                let response = try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.cookie: "loom_login_csrf=\(cookie)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "name=ann&password=guess&csrf=\(token)"))
                #expect(response.status == .unauthorized)
                #expect(Self.text(response).contains("Wrong name or password."))
            }
            let form = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(Self.cookieValue("loom_login_csrf", in: form))
            let token = try #require(Self.field("csrf", in: Self.text(form)))
            let limited = try await client.execute(
                uri: "/login", method: .post,
                headers: [.cookie: "loom_login_csrf=\(cookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "name=ann&password=password-ann&csrf=\(token)"))
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func loginWithoutItsFormTokenIsRefused() async throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("ann")
        try await withApp(fixture) { client in
            let response = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "name=ann&password=password-ann&csrf=made-up"))
            #expect(response.status == .forbidden)
            #expect(Self.cookieValue("loom_session", in: response) == nil)
        }
    }

    @Test func stateChangingRequestsWithoutTheCSRFTokenAreRefused() async throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("root", role: .admin)
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "root")
            var headers = signed.headers
            headers[.contentType] = "application/json"
            for action in ["/api/records/rec-000/verdict", "/api/records/rec-000/skip", "/api/records/rec-000/edit", "/api/unskip?queue=batch:1"] {
                let response = try await client.execute(uri: action, method: .post, headers: headers, body: ByteBuffer(string: "{}"))
                #expect(response.status == .forbidden, "POST \(action)")
                // The same route spelled so that the router still finds it: refused before it is reached (or, where the
                // URI parser already resolved the spelling, refused for its missing token).
                for spelling in ["/" + action, "/./" + action.dropFirst(), action.replacingOccurrences(of: "/records/", with: "//records/")] {
                    let response = try await client.execute(uri: spelling, method: .post, headers: headers, body: ByteBuffer(string: "{}"))
                    #expect([.notFound, .forbidden].contains(response.status), "POST \(spelling)")
                    if spelling.hasPrefix("//") { #expect(response.status == .notFound, "POST \(spelling)") }
                }
            }
            // With the token, a body that is not JSON (what a cross-origin `no-cors` fetch can send) is refused too.
            var textHeaders = signed.apiHeaders
            textHeaders[.contentType] = "text/plain"
            let text = try await client.execute(
                uri: "/api/records/rec-000/verdict", method: .post, headers: textHeaders, body: ByteBuffer(string: #"{"verdict":"accept"}"#))
            #expect(text.status == .unsupportedMediaType)
            var formHeaders = signed.headers
            formHeaders[.contentType] = "application/x-www-form-urlencoded"
            for (action, body) in [("/batches", "name=x"), ("/records/rec-000/restore", "version=1&seen=1"), ("/logout", "")] {
                let response = try await client.execute(uri: action, method: .post, headers: formHeaders, body: ByteBuffer(string: body))
                #expect(response.status == .forbidden, "POST \(action)")
            }
            // The same batch form with the token goes through.
            let created = try await client.execute(
                uri: "/batches", method: .post, headers: formHeaders, body: ByteBuffer(string: "name=ocr&domains=ocr&csrf=\(signed.csrf)"))
            #expect(created.status == .seeOther)
            #expect(try fixture.store.reviewBatches().map(\.name) == ["ocr"])
        }
    }

    @Test("a record's history shows each version's options, answer key and flags, so an edit of only these shows what it changed")
    func historyShowsOptionsAndKeys() async throws {
        let fixture = try ReviewFixture(records: 1)
        let root = try fixture.account("root", role: .admin)
        try fixture.store.commit([StoreWrite(records: [
            Record(
                id: "rec-mc", sampleID: "sample-0", media: ["m000"],
                turns: [Turn(role: .user, text: "<image>\nWhat colour is the cube?\nA. red\nB. blue\nC. green\nD. white"), Turn(role: .assistant, text: "A")],
                type: .multipleChoice, domain: "ocr", skill: nil, language: "en", options: ["red", "blue", "green", "white"], answerKey: "A",
                checks: [], provenance: Provenance(generator: "template", template: "t", phrasing: 0, seed: 1)),
        ])])
        _ = try fixture.service.edit(recordID: "rec-mc", RecordEdit(answerKey: "C"), seenVersion: 1, by: root)
        _ = try fixture.service.edit(recordID: "rec-mc", RecordEdit(answerKey: "B"), seenVersion: 2, by: root)
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "root")
            let page = Self.text(try await client.execute(uri: "/records/rec-mc", method: .get, headers: signed.headers))
            #expect(page.contains("C. green"))
            #expect(page.contains("Answer key: C") && page.contains("Answer key: B"))
        }
    }

    @Test func modelTextIsEscapedEverywhereItIsShown() async throws {
        let fixture = try ReviewFixture(records: 1)
        let batch = try fixture.batch()
        try fixture.account("root", role: .admin)
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "root")
            let next = try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: signed.apiHeaders)
            let answer = try JSONDecoder().decode([String: JSONField].self, from: Data(buffer: next.body))
            guard case .string(let html) = answer["html"] else { Issue.record("no html in \(answer)"); return }
            #expect(html.contains("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"))
            #expect(!html.contains("<script>") && !html.contains("<img src=x"))
            // The reject reasons and the domain's checklist, rendered once, fill their places in every fragment.
            #expect(html.contains("<option value=\"The answer is wrong.\">1. The answer is wrong.</option>"))
            #expect(html.contains("<li>Text is read correctly, character for character (case, digits, punctuation).</li>"))
            #expect(!html.contains("<!--loom:"))
            let page = Self.text(try await client.execute(uri: "/records/rec-000", method: .get, headers: signed.headers))
            #expect(page.contains("&lt;script&gt;alert("))
            #expect(!page.contains("<script>alert") && !page.contains("<img src=x"))
            let headers = try await client.execute(uri: "/records/rec-000", method: .get, headers: signed.headers).headers
            #expect(headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            // An error the router answers (no such route) carries them too.
            let missing = try await client.execute(uri: "/no-such-page", method: .get, headers: signed.headers)
            #expect(missing.status == .notFound && missing.headers[.contentSecurityPolicy] != nil)
        }
    }

    @Test("an annotator's pass is independent: no earlier verdicts, no history; adjudicators see both")
    func annotatorsDoNotSeeEarlierVerdicts() async throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 3))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let claim = try #require(try fixture.service.next(.batch(batch), for: ann))
        _ = try await fixture.service.decide(
            recordID: claim.recordID, verdict: .reject, reason: "The answer is wrong.", pass: claim.pass,
            seenVersion: claim.version, adjudication: false, by: ann)
        try fixture.account("ben")
        try fixture.account("root", role: .admin)
        try await withApp(fixture) { client in
            let ben = try await signIn(client, "ben")
            let next = Self.text(try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: ben.apiHeaders))
            #expect(next.contains("rec-000"))
            #expect(!next.contains("The answer is wrong.</li>") && !next.contains("ann: reject") && !next.contains(">history<"))
            #expect(try await client.execute(uri: "/records/rec-000", method: .get, headers: ben.headers).status == .forbidden)

            let root = try await signIn(client, "root")
            let history = try await client.execute(uri: "/records/rec-000", method: .get, headers: root.headers)
            #expect(history.status == .ok && Self.text(history).contains("<td>ann</td><td>reject</td>"))
        }
    }

    @Test("an edit larger than a save may carry is refused as too large, saying so")
    func anOversizedEditIsTooLarge() async throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1))
        try fixture.account("ann")
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "ann")
            let text = String(repeating: "a", count: 2 << 20)
            let response = try await client.execute(
                uri: "/api/records/rec-000/edit", method: .post, headers: signed.apiHeaders,
                body: ByteBuffer(string: #"{"version":1,"turns":[null,""# + text + #""]}"#))
            #expect(response.status == .contentTooLarge)
            #expect(Self.text(response).contains("larger than the 1 MiB one save may carry"))
        }
    }

    @Test func reviewingThroughTheAPI() async throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch()
        try fixture.account("ann")
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "ann")
            // Claiming changes state: without the session's token (an <img> on a same-site page) it is refused.
            let forged = try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: signed.headers)
            #expect(forged.status == .forbidden)
            let next = try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: signed.apiHeaders)
            #expect(next.status == .ok)
            // An edit that drops the image placeholder is refused with the reason.
            let dropped = try await client.execute(
                uri: "/api/records/rec-000/edit", method: .post, headers: signed.apiHeaders,
                body: ByteBuffer(string: #"{"version":1,"turns":["What does the sign say?","EXIT"]}"#))
            #expect(dropped.status == .conflict && Self.text(dropped).contains("must keep its 1 <image> placeholder"))
            // One that adds a token trainers read as media is refused too; one with invisible characters has them removed.
            let token = try await client.execute(
                uri: "/api/records/rec-000/edit", method: .post, headers: signed.apiHeaders,
                body: ByteBuffer(string: #"{"version":1,"turns":[null,"EXIT <video>"]}"#))
            #expect(token.status == .conflict && Self.text(token).contains("<video>"))
            // An edit that makes the answer too long is saved as version 2 and comes back flagged.
            let edit = try await client.execute(
                uri: "/api/records/rec-000/edit", method: .post, headers: signed.apiHeaders,
                body: ByteBuffer(string: #"{"version":1,"turns":[null,"It is red and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny.\u200b\udb40\udc49"]}"#))
            #expect(edit.status == .ok)
            #expect(Self.text(edit).contains("format.too_long"))
            #expect(try fixture.store.record(id: "rec-000")?.turns[1].text == "It is red and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny.")
            // Saving again on version 1 is refused with a message, not applied.
            let stale = try await client.execute(
                uri: "/api/records/rec-000/edit", method: .post, headers: signed.apiHeaders,
                body: ByteBuffer(string: #"{"version":1,"turns":["<image>\nQ?","A"]}"#))
            #expect(stale.status == .conflict)
            #expect(Self.text(stale).contains("version 2"))
            let accept = try await client.execute(
                uri: "/api/records/rec-000/verdict", method: .post, headers: signed.apiHeaders,
                body: ByteBuffer(string: #"{"verdict":"accept","pass":1,"version":2}"#))
            #expect(accept.status == .ok)
            #expect(Self.text(accept).contains("\"accepted\""))
            let done = try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: signed.apiHeaders)
            #expect(Self.text(done).contains("\"done\":true"))
            let progress = Self.text(try await client.execute(uri: "/progress", method: .get, headers: signed.headers))
            #expect(progress.contains("<td>ann</td><td>1</td>"))
            // The history, which an adjudicator or admin reads, names the edit.
            try fixture.account("root", role: .admin)
            let root = try await signIn(client, "root")
            let history = Self.text(try await client.execute(uri: "/records/rec-000", method: .get, headers: root.headers))
            #expect(history.contains("edited answer (turn 2)"))
        }
    }

    @Test("a HEIC photo, which only Safari shows, is served as a JPEG; one that cannot be decoded says so")
    func heicPhotosAreServedAsJPEG() async throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("ann")
        // The decoder reads the bytes, whatever the name: a PNG stored as a HEIC stands in for a phone's photo.
        try Data(ReviewFixture.tinyPNG).write(to: fixture.directory.appendingPathComponent("media/phone.heic"))
        try Data("not an image".utf8).write(to: fixture.directory.appendingPathComponent("media/broken.heic"))
        try fixture.store.commit([StoreWrite(media: [
            MediaItem(id: "phone", kind: .image, path: "media/phone.heic", format: "heif", width: 1, height: 1),
            MediaItem(id: "broken", kind: .image, path: "media/broken.heic", format: "heif", width: 1, height: 1),
        ])])
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "ann")
            for _ in 0..<2 {  // the second answer comes from the kept previews
                let image = try await client.execute(uri: "/media/phone", method: .get, headers: signed.headers)
                #expect(image.status == .ok && image.headers[.contentType] == "image/jpeg")
                #expect(Array(buffer: image.body).prefix(3) == [0xFF, 0xD8, 0xFF])
            }
            let broken = try await client.execute(uri: "/media/broken", method: .get, headers: signed.headers)
            #expect(broken.status == .unprocessableContent)
            #expect(Self.text(broken).contains("cannot be shown"))
        }
    }

    @Test func mediaRoutesServeOnlyTheRunsFiles() async throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("ann")
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "ann")
            let image = try await client.execute(uri: "/media/m000", method: .get, headers: signed.headers)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            #expect(Array(buffer: image.body) == ReviewFixture.tinyPNG)
            for path in ["/media/unknown", "/media/..%2F..%2Fetc%2Fpasswd", "/media/%2Fetc%2Fpasswd"] {
                #expect(try await client.execute(uri: path, method: .get, headers: signed.headers).status == .notFound, "\(path)")
            }
        }
    }

    @Test func skipRestoreAndLogoutThroughTheirRoutes() async throws {
        let fixture = try ReviewFixture(records: 2)
        let batch = try fixture.batch()
        try fixture.account("ann")
        try fixture.account("jo", role: .adjudicator)
        try await withApp(fixture) { client in
            let ann = try await signIn(client, "ann")
            let next = try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: ann.apiHeaders)
            let answer = try JSONDecoder().decode([String: JSONField].self, from: Data(buffer: next.body))
            guard case .string(let record) = answer["record"] else { Issue.record("no record in \(answer)"); return }
            let skip = try await client.execute(uri: "/api/records/\(record)/skip", method: .post, headers: ann.apiHeaders, body: ByteBuffer(string: "{}"))
            #expect(skip.status == .ok)
            // Skipped, it is no longer held: a second skip (another tab) is refused with the reason, not a 500.
            let again = try await client.execute(uri: "/api/records/\(record)/skip", method: .post, headers: ann.apiHeaders, body: ByteBuffer(string: "{}"))
            #expect(again.status == .forbidden && Self.text(again).contains("not reviewing this record"))
            let after = Self.text(try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: ann.apiHeaders))
            #expect(!after.contains(record))

            // An edit by the adjudicator, then a restore of version 1 through the history page's form.
            let jo = try await signIn(client, "jo")
            let edited = try await client.execute(
                uri: "/api/records/\(record)/edit", method: .post, headers: jo.apiHeaders,
                body: ByteBuffer(string: #"{"version":1,"turns":["<image>\nWhat colour is the cube?","Blue."]}"#))
            #expect(edited.status == .ok)
            var form = jo.headers
            form[.contentType] = "application/x-www-form-urlencoded"
            let restored = try await client.execute(
                uri: "/records/\(record)/restore", method: .post, headers: form, body: ByteBuffer(string: "version=1&seen=2&csrf=\(jo.csrf)"))
            #expect(restored.status == .seeOther)
            #expect(try fixture.store.recordVersions(record).map(\.note).last == "restored version 1")
            let history = Self.text(try await client.execute(uri: "/records/\(record)", method: .get, headers: jo.headers))
            #expect(history.contains("restored version 1") && history.contains("answer (turn 2)"))

            // Skipping the other too leaves nothing, with an offer to give the two back, which brings them back.
            let other = try JSONDecoder().decode([String: JSONField].self, from: Data(after.utf8))
            guard case .string(let second) = other["record"] else { Issue.record("no record in \(after)"); return }
            _ = try await client.execute(uri: "/api/records/\(second)/skip", method: .post, headers: ann.apiHeaders, body: ByteBuffer(string: "{}"))
            let done = Self.text(try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: ann.apiHeaders))
            #expect(done.contains(#""done":true"#) && done.contains("Review the 2 records you skipped"))
            let unskip = try await client.execute(uri: "/api/unskip?queue=batch:\(batch.id)", method: .post, headers: ann.apiHeaders, body: ByteBuffer(string: "{}"))
            #expect(Self.text(unskip) == #"{"unskipped":2}"#)
            let back = Self.text(try await client.execute(uri: "/api/next?queue=batch:\(batch.id)", method: .get, headers: ann.apiHeaders))
            #expect(back.contains(#""done":false"#))

            // Logging out ends the session: the cookie no longer opens pages.
            let out = try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(jo.csrf)"))
            #expect(out.status == .seeOther && out.headers[.location] == "/login")
            #expect(try await client.execute(uri: "/progress", method: .get, headers: jo.headers).status == .seeOther)
        }
    }

    @Test("a request naming another site in Host is refused before any route (DNS rebinding); addresses, localhost and allowed names are answered")
    func foreignHostsAreRefused() async throws {
        let fixture = try ReviewFixture(records: 1)
        let host = HTTPField.Name("Host")!
        let refusedHosts = Mutex<[String]>([])
        try await withApp(fixture, allowedHosts: ["review.example.org"], onRefusedHost: { name in refusedHosts.withLock { $0.append(name) } }) { client in
            for name in ["evil.example:8080", "127.0.0.1.evil.example", "evil.example"] {
                let refused = try await client.execute(uri: "/login", method: .get, headers: [host: name])
                #expect(refused.status == .forbidden, "\(name)")
                #expect(Self.text(refused).contains("--allowed-host \(name.split(separator: ":")[0])"))
                #expect(refused.headers[.contentSecurityPolicy] != nil)
            }
            // The operator hears of each refused name once.
            #expect(refusedHosts.withLock { $0 } == ["evil.example", "127.0.0.1.evil.example"])
            // A second Host header is checked too.
            let twice = try await client.execute(uri: "/login", method: .get, headers: [host: "127.0.0.1:8080", host: "evil.example"])
            #expect(twice.status == .forbidden)
            for name in ["review.example.org", "127.0.0.1:8080", "localhost:8080", "[::1]:8080"] {
                #expect(try await client.execute(uri: "/login", method: .get, headers: [host: name]).status == .ok, "\(name)")
            }
        }
    }

    @Test("behind a proxy that says the browser came over HTTPS the cookies are Secure; otherwise they are not")
    func cookiesAreSecureBehindATLSProxy() async throws {
        let fixture = try ReviewFixture(records: 1)
        let proto = HTTPField.Name("X-Forwarded-Proto")!
        for (behindProxy, sent, secure) in [(true, "https", true), (true, "http", false), (false, "https", false)] {
            try await withApp(fixture, behindProxy: behindProxy) { client in
                let form = try await client.execute(uri: "/login", method: .get, headers: [proto: sent])
                let cookie = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("loom_login_csrf=") })
                #expect(cookie.contains("Secure") == secure, "behind a proxy: \(behindProxy), \(sent)")
            }
        }
    }

    @Test func adjudicationIsForAdjudicators() async throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("ann")
        try await withApp(fixture) { client in
            let signed = try await signIn(client, "ann")
            #expect(try await client.execute(uri: "/adjudicate", method: .get, headers: signed.headers).status == .forbidden)
            #expect(try await client.execute(uri: "/api/next?queue=adjudication", method: .get, headers: signed.apiHeaders).status == .forbidden)
        }
    }
}

/// A JSON value of unknown shape, for reading answers loosely.
enum JSONField: Decodable {
    case string(String), bool(Bool), other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else {
            self = .other
        }
    }
}
