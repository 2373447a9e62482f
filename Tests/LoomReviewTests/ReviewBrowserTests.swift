import Foundation
import Hummingbird
import LoomReview
import LoomReviewServer
import LoomStore
import Testing

/// The review app in a real browser: Debian's chromium, headless, driven through chromedriver, against a server
/// this test starts on loopback. Screenshots go to `.build/test-output/review/` (look at them after a change
/// to the pages). `make test` installs chromium and chromedriver; elsewhere the suite runs when both exist, and
/// LOOM_REQUIRE_BROWSER=1 makes their absence a failure.
@Suite("Review app in a real browser", .serialized, .enabled(if: WebDriver.available || WebDriver.required))
struct ReviewBrowserTests {
    static let screenshots = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/test-output/review")

    /// Serves the fixture's review app on a free loopback port for the length of `body`.
    private func withLiveServer(_ fixture: ReviewFixture, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        #expect(WebDriver.available, "chromium and chromedriver are needed: make deps installs them")
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try await buildReviewApplication(
            service: fixture.service, configuration: ReviewServerConfiguration(host: "127.0.0.1", port: 0),
            onServerRunning: { port in continuation.yield(port) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw WebDriver.Failure(description: "the server did not start") }
            do {
                try await body("http://127.0.0.1:\(port)")
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    private func signIn(_ browser: WebDriver.Browser, _ base: String, _ name: String) async throws {
        try await browser.open(base + "/login")
        try await browser.type("input[name=name]", name)
        try await browser.type("input[name=password]", "password-\(name)")
        try await browser.click("#sign-in")
        _ = try await browser.element("header nav .who")
    }

    private func withBrowsers(_ count: Int, _ body: ([WebDriver.Browser]) async throws -> Void) async throws {
        let driver = try await WebDriver()
        var browsers: [WebDriver.Browser] = []
        do {
            for _ in 0..<count { browsers.append(try await driver.browser()) }
            try await body(browsers)
        } catch {
            // What the browser showed when the test failed.
            for (index, browser) in browsers.enumerated() {
                try? await browser.screenshot(to: Self.screenshots.appendingPathComponent("failure-\(index).png"))
                await browser.close()
            }
            await driver.shutdown()
            throw error
        }
        for browser in browsers { await browser.close() }
        await driver.shutdown()
    }

    /// One browser signed in as `name` (an account made with `role`) on the review screen of a batch of every record.
    private func withReviewScreen(
        _ fixture: ReviewFixture, as name: String, role: ReviewerRole = .annotator,
        _ body: @escaping @Sendable (WebDriver.Browser, String, ReviewBatch) async throws -> Void
    ) async throws {
        let batch = try fixture.batch()
        try fixture.account(name, role: role)
        try await withLiveServer(fixture) { base in
            try await withBrowsers(1) { browsers in
                try await signIn(browsers[0], base, name)
                try await browsers[0].open(base + "/review/\(batch.id)")
                try await body(browsers[0], base, batch)
            }
        }
    }

    @Test func signInAcceptEditRejectAndSkipWithTheKeyboard() async throws {
        let fixture = try ReviewFixture(records: 4, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch()
        try fixture.account("ann")
        let reasons = fixture.service.checklists.rejectReasons
        try await withLiveServer(fixture) { base in
            try await withBrowsers(1) { browsers in
                let browser = browsers[0]
                try await signIn(browser, base, "ann")
                try await browser.open(base + "/review/\(batch.id)")
                let first = try #require(try await browser.attribute("#record", "data-record"))
                try await browser.screenshot(to: Self.screenshots.appendingPathComponent("01-review-screen.png"))

                // z zooms the first image; Escape closes it.
                try await browser.press("z")
                _ = try await browser.element(".zoomed img")
                try await browser.press("\u{E00C}")

                // a accepts; the next record arrives without a page load.
                try await browser.script("window.loomPageMarker = 1")
                try await browser.press("a")
                let second = try #require(try await browser.attribute("#record:not([data-record='\(first)'])", "data-record"))
                #expect(try await browser.script("return window.loomPageMarker") as? Int == 1)
                #expect(try fixture.store.reviewState(recordID: first)?.status == .accepted)

                // e edits; an answer longer than a short answer may be is saved and the validator's flag is shown.
                try await browser.press("e")
                try await browser.type("textarea.edit[data-index='1']", "It is red and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny.", clear: true)
                try await browser.press("\u{E007}", control: true)
                _ = try await browser.element("#flags .flag[data-code='format.too_long']")
                try await browser.screenshot(to: Self.screenshots.appendingPathComponent("02-edit-with-validator-flag.png"))
                #expect(try fixture.store.reviewState(recordID: second)?.version == 2)

                // r rejects with the second listed reason, picked with the key 2 and confirmed with Enter.
                try await browser.press("r")
                _ = try await browser.element("#reject-panel:not([hidden])")
                try await browser.press("2")
                try await browser.press("\u{E007}")
                let third = try #require(try await browser.attribute("#record:not([data-record='\(second)'])", "data-record"))
                let passes = try fixture.store.reviewPasses(recordID: second)
                #expect(passes.map(\.verdict) == [.reject] && passes.first?.reason == reasons[1])
                #expect(try fixture.store.reviewState(recordID: second)?.status == .rejected)

                // s skips.
                try await browser.press("s")
                let fourth = try #require(try await browser.attribute("#record:not([data-record='\(third)'])", "data-record"))
                #expect(try fixture.store.reviewPasses(recordID: third).isEmpty)

                // With the last one skipped too, the batch is done for ann, who can ask for the skipped two back.
                try await browser.press("s")
                _ = try await browser.element("button[data-action='unskip']")
                #expect(try await browser.text("button[data-action='unskip']") == "Review the 2 records you skipped")
                try await browser.click("button[data-action='unskip']")
                let again = try #require(try await browser.attribute("#record", "data-record"))
                #expect([third, fourth].contains(again))
            }
        }
    }

    @Test func modelWrittenHTMLIsShownAsText() async throws {
        try await withReviewScreen(try ReviewFixture(records: 1), as: "ann") { browser, _, _ in
            let question = try await browser.text(".turn.user pre.text")
            #expect(question.contains(ReviewFixture.scriptPayload))
            #expect(try await browser.script("return document.querySelectorAll('script').length") as? Int == 1)
            #expect(try await browser.script("return document.querySelectorAll('#record img').length") as? Int == 1)
            try await browser.screenshot(to: Self.screenshots.appendingPathComponent("03-script-payload-as-text.png"))
        }
    }

    @Test("an edit saves the turns the reviewer changed and no other, even turns a browser's text box rewrites; a cancelled edit is dropped")
    func anEditSavesOnlyTheChangedTurns() async throws {
        // A text box drops a leading line break and turns CR LF into LF: sending every box would rewrite this
        // answer though nobody touched it.
        let answer = "\nThe sign says EXIT.\r\nIt is red."
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1), firstAnswer: answer)
        try await withReviewScreen(fixture, as: "ann") { browser, _, _ in
            let id = try #require(try await browser.attribute("#record", "data-record"))

            // Accept clicked while editing is refused: the typed correction would be dropped without a word.
            try await browser.press("e")
            try await browser.type("textarea.edit[data-index='1']", "A correction not saved yet.", clear: true)
            try await browser.click("[data-action=accept]")
            #expect(try await browser.text("#notice.error").contains("Save or cancel your edit first"))
            #expect(try fixture.store.reviewState(recordID: id)?.status.isOpen == true)
            try await browser.press("\u{E00C}")

            // A change typed and then cancelled (Escape) is not saved by a later save.
            try await browser.press("e")
            try await browser.type("textarea.edit[data-index='1']", "Cancelled words.", clear: true)
            try await browser.press("\u{E00C}")
            try await browser.press("e")
            try await browser.type("textarea.edit[data-index='0']", "<image>\nWhat does the sign say?", clear: true)
            try await browser.press("\u{E007}", control: true)
            _ = try await browser.element("#notice.ok")

            let versions = try fixture.store.recordVersions(id)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.last?.note == "edited question (turn 1)")
            let saved = try #require(try fixture.store.record(id: id))
            #expect(saved.turns[0].text == "<image>\nWhat does the sign say?")
            #expect(saved.turns[1].text == answer)
        }
    }

    @Test("a record whose id holds characters a URL must encode is reviewed, and its history opens")
    func anIDThatNeedsEncoding() async throws {
        let id = "rec-1#a/b c?d%"
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1), firstRecordID: id)
        try await withReviewScreen(fixture, as: "ann", role: .adjudicator) { browser, base, batch in
            #expect(try await browser.attribute("#record", "data-record") == id)
            // The history link leads to the record's page.
            let link = try #require(try await browser.attribute("a[target=_blank]", "href"))
            try await browser.open(link.hasPrefix("/") ? base + link : link)
            #expect(try await browser.text("h1 code") == id)
            // And the review script's calls reach it: an accept is saved.
            try await browser.open(base + "/review/\(batch.id)")
            #expect(try await browser.attribute("#record", "data-record") == id)  // loaded before the key is pressed
            try await browser.press("a")
            _ = try await browser.element("#notice.ok")
            #expect(try fixture.store.reviewState(recordID: id)?.status == .accepted)
        }
    }

    @Test func twoSessionsRacingForOneRecord() async throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1, leaseSeconds: 60))
        let batch = try fixture.batch()
        try fixture.account("ann")
        try fixture.account("ben")
        try await withLiveServer(fixture) { base in
            try await withBrowsers(2) { browsers in
                let (ann, ben) = (browsers[0], browsers[1])
                try await signIn(ann, base, "ann")
                try await signIn(ben, base, "ben")
                try await ann.open(base + "/review/\(batch.id)")
                let record = try #require(try await ann.attribute("#record", "data-record"))
                // While ann holds it, ben gets nothing.
                try await ben.open(base + "/review/\(batch.id)")
                #expect(try await ben.text("#notice.ok").contains("Nothing left for you"))
                // Ann's hold expires; ben takes the record and accepts it.
                fixture.advance(seconds: 61)
                try await ben.open(base + "/review/\(batch.id)")
                #expect(try await ben.attribute("#record", "data-record") == record)
                try await ben.press("a")
                _ = try await ben.element("#notice.ok")
                // Ann's late accept is refused with a message; nothing is overwritten.
                try await ann.press("a")
                let refusal = try await ann.text("#notice.error")
                #expect(refusal.contains("ben") || refusal.contains("already accepted"))
                try await ann.screenshot(to: Self.screenshots.appendingPathComponent("04-race-refused.png"))
                #expect(try fixture.store.reviewPasses(recordID: record).map(\.reviewer) == ["ben"])
            }
        }
    }
}
