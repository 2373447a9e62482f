import Foundation
import LoomCore
import LoomGenerate
import LoomRecipe
@testable import LoomEngine
import LoomInstruct
import LoomMockModel
import LoomStore
import Synchronization
import Testing

@Suite("Model stages against a local OpenAI-compatible server")
struct ModelRunTests {
    static let allStages = """
          caption: {model: mock}
          questions: {model: mock, types: [multiple_choice, judgement], per_call: 2}
          conversation: {model: mock, turns: 3}
          multi_vqa: {model: mock, sets: 2, images: {min: 2, max: 3}, questions: 1}
          syphus: {model: mock, subsets: [llava_conversation], pairs: 2}
          verify: {model: mock}
        """

    @Test func everyStageSurvivesAHostileServerAndARestartPaysForNothingAgain() async throws {
        let catalog = try PromptCatalog.load()
        // Scripted faults: the first request gets a 429 with Retry-After, the second a 500; the first multiple-
        // choice reply has three options (then a correct one after the correction turn); every conversation
        // reply is not JSON at all; the first verdict says "not supported".
        let seen = Mutex((rateLimited: false, failed: false, badOptions: false, unsupported: false))
        let server = try await MockModelServer.start { request in
            let kind = request.promptKind(catalog)
            if request.index == 0 { return .status(429, body: "slow down", headers: [("Retry-After", "0")]) }
            if request.index == 1 { return .error(status: 500, message: "the GPU fell over", type: "server_error") }
            switch kind {
            case .questions(.multipleChoice) where !request.isCorrection:
                if seen.withLock({ state in defer { state.badOptions = true }; return !state.badOptions }) {
                    return .completion(text: #"{"questions":[{"question":"Q?","options":["a","b","c"],"answer":"A"}]}"#)
                }
            case .conversation:
                return .completion(text: "Sure! Here is a conversation: Q1 … A1 …")
            case .verify:
                if seen.withLock({ state in defer { state.unsupported = true }; return !state.unsupported }) {
                    return .completion(text: #"{"supported":false,"one_correct_option":true,"reason":"nothing says so"}"#)
                }
            default: break
            }
            return .completion(text: GoodReplies.reply(kind), usage: MockUsage(prompt: 1000, completion: 100))
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, stages: Self.allStages)

        let first = try await fixture.runner().run()
        let models = try #require(first.models)
        #expect(models.stages["caption"] == StageCounts(done: 3, failed: 0))
        #expect(models.stages["questions"]?.failed == 0)
        #expect(models.stages["questions"]?.done ?? 0 >= 6)  // 3 images × 1+ domain × 2 types
        #expect(models.stages["conversation"] == StageCounts(done: 0, failed: 3))
        #expect(models.stages["multi_vqa"] == StageCounts(done: 2, failed: 0))
        #expect(models.stages["syphus"] == StageCounts(done: 3, failed: 0))

        let store = try RunStore(directory: fixture.runDirectory)
        // Every failure has a reason, and the unusable reply is kept.
        let failures = try store.failures(stage: "conversation")
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { $0.error.contains("could not be used") })
        let raw = try #require(try store.rawReply(item: failures[0].item, stage: "conversation"))
        #expect(raw.text.contains("Here is a conversation"))

        // Every record is well formed: one placeholder per medium, multiple choice keyed to one of four options.
        var modelRecords = 0
        try store.forEachRecord(unflaggedOnly: false) { record, _ in
            guard record.provenance.generator == "model" else { return }
            modelRecords += 1
            #expect(record.placeholderCount == record.media.count)
            if record.type == .multipleChoice {
                #expect(record.options?.count == 4)
                #expect(optionLetters.contains(record.answerKey ?? ""))
            }
            #expect(record.provenance.model?.cost ?? 0 > 0)
        }
        #expect(modelRecords > 0)
        let verdicts = try store.verdictCounts()
        #expect(verdicts.unsupported == 1)
        #expect(verdicts.supported + verdicts.unsupported == modelRecords)

        // Cost is accounted per stage.
        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let cost = try #require(status.cost)
        #expect(cost.total > 0)
        #expect(cost.perImage != nil && cost.perRecord != nil)
        #expect(Set(status.spend.map(\.stage)).isSuperset(of: ["caption", "questions", "verify"]))

        // A restart: finished work is skipped, failed items are retried from the cache, nothing is paid again.
        let requestsBefore = server.requestCount
        let second = try await fixture.runner().run()
        #expect(server.requestCount == requestsBefore)
        #expect(second.contentHash == first.contentHash)
        #expect(try store.spend().reduce(0) { $0 + $1.cost } == cost.total)
    }

    @Test func aCrashInTheMiddleOfTheModelStagesResumesToTheSameDatasetWithoutRedoingSavedCalls() async throws {
        let catalog = try PromptCatalog.load()
        let server = try await MockModelServer.start { request in
            .completion(text: GoodReplies.reply(request.promptKind(catalog)), usage: MockUsage(prompt: 500, completion: 50))
        }
        defer { Task { try? await server.shutdown() } }
        let stages = """
              caption: {model: mock}
              questions: {model: mock, types: [multiple_choice, judgement, short_vqa], per_call: 2}
              conversation: {model: mock, turns: 3}
            """
        let whole = try ModelFixture(server: server, photos: 4, stages: stages)
        let uninterrupted = try await whole.runner().run()
        let uninterruptedRequests = server.requestCount

        let interrupted = try ModelFixture(server: server, photos: 4, stages: stages)
        // Batches 1–2 hold the ingest; the crash lands among the model stages' commits.
        await #expect(throws: InjectedCrash.self) { try await interrupted.runner(faults: FaultPlan(crashBeforeBatch: 4)).run() }
        let store = try RunStore(directory: interrupted.runDirectory)
        let savedBeforeResume = try store.spend().reduce(0) { $0 + $1.calls }
        #expect(savedBeforeResume > 0)
        let before = server.requestCount
        let resumed = try await interrupted.runner().run()
        let resumedRequests = server.requestCount - before

        #expect(resumed.contentHash == uninterrupted.contentHash)
        #expect(resumed.records == uninterrupted.records)
        // The replies saved before the crash were not asked for again.
        #expect(resumedRequests <= uninterruptedRequests - savedBeforeResume + 4)
        #expect(resumedRequests < uninterruptedRequests)
    }

    @Test func aWrongKeyStopsTheRunAtOnceWithAClearMessage() async throws {
        let server = try await MockModelServer.start { _ in
            .error(status: 401, message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key")
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 6, stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.kind == .model)
        #expect(error.description.contains("unauthorized"))
        #expect(error.description.contains("Incorrect API key provided"))
        // At most the requests already in flight when the first 401 came back (concurrency 4), not one per image.
        #expect(server.requestCount <= 4)
    }

    @Test("a stop asked for during a model stage sends nothing new, saves the replies in flight, and the next run pays for none twice")
    func aStopWaitsForTheRepliesInFlight() async throws {
        let catalog = try PromptCatalog.load()
        let stop = RunStop()
        // The third request asks for the stop (as a Ctrl-C would while it is in flight); every reply takes a moment.
        let server = try await MockModelServer.start { request in
            if request.index == 2 { stop.request() }
            return .delayed(seconds: 0.02, .completion(text: GoodReplies.reply(request.promptKind(catalog))))
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 40, stages: "  caption: {model: mock}", timeout: 120)
        let error = try await #require(throws: LoomError.self) { try await fixture.runner(stop: stop).run() }
        #expect(error.message.contains("stopped at your request during caption"))
        let asked = server.requestCount
        #expect(asked < 40)  // nothing new went out after the stop
        let store = try RunStore(directory: fixture.runDirectory)
        // Every reply asked for was received and saved, and its caption made.
        #expect(try store.spend().first { $0.stage == "caption" }?.calls == asked)
        #expect(try store.completedItems(stage: "caption").count == asked)
        #expect(try store.failures(stage: "caption").isEmpty)

        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 40, failed: 0))
        #expect(server.requestCount == 40)
    }

    @Test("a stop asked for while calls wait to be retried sends no retry, and records no item as failed")
    func aStopDuringRetriesCostsNoAttempt() async throws {
        let catalog = try PromptCatalog.load()
        let stop = RunStop()
        let up = Mutex(false)
        // Until up, every answer is one the server itself says to retry, and not an outage's (a 400 with
        // x-should-retry: true); the first of them asks for the stop.
        let server = try await MockModelServer.start { request in
            if up.withLock({ $0 }) { return .completion(text: GoodReplies.reply(request.promptKind(catalog))) }
            stop.request()
            return .status(400, body: #"{"error":{"message":"try again"}}"#, headers: [("x-should-retry", "true")])
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 3, stages: "  caption: {model: mock}", timeout: 120)
        let error = try await #require(throws: LoomError.self) { try await fixture.runner(stop: stop).run() }
        #expect(error.message.contains("stopped at your request during caption"))
        let store = try RunStore(directory: fixture.runDirectory)
        #expect(try store.failures(stage: "caption").isEmpty)
        // One attempt per item went out (at most, the first ones racing the stop), and no retry.
        #expect(server.requestCount <= 3)

        up.withLock { $0 = true }
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 3, failed: 0))
    }

    @Test("cost_limit stops sending before the run's calls pass it; raising it resumes, and nothing is paid twice")
    func costLimitStopsAndResumes() async throws {
        let catalog = try PromptCatalog.load()
        // Every call costs 1,000 × $2 + 100 × $8 per million tokens = $0.0028.
        let server = try await MockModelServer.start { request in
            .delayed(seconds: 0.005, .completion(text: GoodReplies.reply(request.promptKind(catalog)), usage: MockUsage(prompt: 1000, completion: 100)))
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(
            server: server, photos: 30, stages: "  caption: {model: mock}\n  questions: {model: mock, types: [judgement], per_call: 2}",
            timeout: 120)
        func limit(_ dollars: String) throws {
            let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
            let body = text.hasPrefix("cost_limit:") ? String(text[text.firstIndex(of: "\n")!...].dropFirst()) : text
            try ("cost_limit: \(dollars)\n" + body).write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        }
        try limit("0.03")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.subject == "cost_limit")
        #expect(error.message.contains("caption sent no more requests"))
        #expect(error.message.contains("raise cost_limit"))
        let store = try RunStore(directory: fixture.runDirectory)
        let paid = try store.spend().reduce(0) { $0 + $1.cost }
        #expect(paid <= 0.03 + 1e-9)
        #expect(paid > 0.03 - 2 * 0.0028)  // it used what it was allowed, not a single request
        let asked = server.requestCount
        #expect(asked == Int((paid / 0.0028).rounded()))
        // Every reply paid for became a caption; no item was failed for the stop.
        #expect(try store.completedItems(stage: "caption").count == asked)
        #expect(try store.failures(stage: "caption").isEmpty)
        #expect(try RunStatus.load(try RunDirectory(existing: fixture.runDirectory)).costLimit == 0.03)

        // Raised: the run resumes where it stopped; the later stage is held to the same run-wide limit.
        try limit("0.1")
        let second = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(second.message.contains("questions sent no more requests"))
        #expect(try store.completedItems(stage: "caption").count == 30)
        #expect(try store.spend().reduce(0) { $0 + $1.cost } <= 0.1 + 1e-9)

        try limit("10")
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 30, failed: 0))
        #expect(summary.models?.stages["questions"] == StageCounts(done: 30, failed: 0))
        // One request per caption and per question call over the three runs: none was sent twice.
        #expect(server.requestCount == 60)
    }

    @Test("Syphus over a photo with neither annotations nor a caption sends nothing and fails the item with the reason")
    func syphusNeedsSomethingToWriteFrom() async throws {
        let server = try await MockModelServer.start { _ in .completion(text: #"{"pairs":[]}"#) }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 2, stages: "  syphus: {model: mock, subsets: [llava_conversation], pairs: 2}")
        let summary = try await fixture.runner().run()
        #expect(server.requestCount == 0)
        #expect(summary.models?.stages["syphus"]?.failed == 2)
        let failures = try RunStore(directory: fixture.runDirectory).failures(stage: "syphus")
        #expect(failures.count == 2 && failures.allSatisfy { $0.error.contains("no annotations and no caption to write from") })
    }

    @Test("a key the endpoint refuses stops the run before ingest, from the endpoint's model list")
    func aRefusedKeyIsFoundBeforeIngest() async throws {
        let server = try await MockModelServer.start(
            modelList: .error(status: 401, message: "Incorrect API key provided", code: "invalid_api_key")
        ) { _ in .completion(text: "unused") }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 3, stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.kind == .model && error.description.contains("Incorrect API key provided"))
        #expect(error.description.contains("found before any work"))
        #expect(try !RunStore(directory: fixture.runDirectory).holdsWork())  // nothing was ingested
        #expect(server.requestCount == 0)
    }

    @Test("the endpoint check's notes: not answering yet, no list without /v1, a model the list does not name")
    func endpointCheckNotes() throws {
        let endpoint = ModelEndpoint(name: "local", baseURL: "http://127.0.0.1:11434", model: "llava")
        let waiting = try EndpointPreflight.verdict(.unreachable("connection refused"), endpoint)
        #expect(waiting?.contains("does not answer at http://127.0.0.1:11434 yet") == true && waiting?.contains("the run goes on") == true)
        let noList = try EndpointPreflight.verdict(.noList(url: "http://127.0.0.1:11434/models"), endpoint)
        #expect(noList?.contains("try base_url http://127.0.0.1:11434/v1") == true)
        #expect(try EndpointPreflight.verdict(.models(["llava:latest", "qwen2.5vl:7b"]), endpoint) == nil)
        let other = try EndpointPreflight.verdict(.models(["qwen2.5vl:7b"]), endpoint)
        #expect(other?.contains("'llava' is not among them") == true)
        #expect(try EndpointPreflight.verdict(.models([]), endpoint) == nil)
    }

    @Test func anEndpointThatGoesDownStopsTheStageWithoutUsingUpTheItemsAttempts() async throws {
        let catalog = try PromptCatalog.load()
        let answered = Mutex(0)
        let up = Mutex(false)
        // The first 4 requests are answered; then the server fails every request until it is "up" again.
        let server = try await MockModelServer.start { request in
            let serves = up.withLock { $0 } || answered.withLock { count in
                count += 1
                return count <= 4
            }
            return serves ? .completion(text: GoodReplies.reply(request.promptKind(catalog))) : .error(status: 503, message: "upstream unavailable")
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 24, stages: "  caption: {model: mock}")
        var text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        text = text.replacingOccurrences(of: "retries: 3", with: "retries: 0")
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)

        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.kind == .model)
        #expect(error.description.contains("16 items in a row failed"))
        #expect(error.description.contains("upstream unavailable"))
        let store = try RunStore(directory: fixture.runDirectory)
        // No item was recorded as failed: none has used an attempt.
        #expect(try store.failures(stage: "caption").isEmpty)
        let captioned = try store.completedItems(stage: "caption").count
        #expect(captioned == 4)

        // Back up: the next run captions the rest and asks nothing twice.
        up.withLock { $0 = true }
        let before = server.requestCount
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 24, failed: 0))
        #expect(server.requestCount - before == 24 - captioned)
    }

    @Test("a small stage against a server that drops every connection stops, names the address, and keeps every item's attempts")
    func anUnreachableServerLeavesTheItemsTheirAttempts() async throws {
        let catalog = try PromptCatalog.load()
        let up = Mutex(false)
        // Until it is "up", the server closes every connection unanswered, as a port nobody listens on refuses it.
        let server = try await MockModelServer.start { request in
            up.withLock { $0 } ? .completion(text: GoodReplies.reply(request.promptKind(catalog))) : .closeConnection
        }
        defer { Task { try? await server.shutdown() } }
        // Fewer items than the breaker's limit (8): only the end of the stage can tell the outage.
        let fixture = try ModelFixture(server: server, photos: 3, stages: "  caption: {model: mock}")
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        try text.replacingOccurrences(of: "retries: 3", with: "retries: 1").write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
            #expect(error.kind == .model)
            #expect(error.description.contains("all 3 items sent failed and none succeeded"))
            #expect(error.description.contains("is the server running and reachable at \(server.baseURL)?"))
            #expect(try RunStore(directory: fixture.runDirectory).failures(stage: "caption").isEmpty)
        }
        up.withLock { $0 = true }
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 3, failed: 0))
    }

    @Test("while a model call waits to be retried the run says so; status lists the stage's pending items and the stages not started")
    func retriesAreToldAndStatusListsModelStagesNotStarted() async throws {
        let catalog = try PromptCatalog.load()
        let up = Mutex(false)
        let server = try await MockModelServer.start { request in
            up.withLock { $0 } ? .completion(text: GoodReplies.reply(request.promptKind(catalog))) : .closeConnection
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 3, stages: "  caption: {model: mock}\n  verify: {model: mock}")
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        try text.replacingOccurrences(of: "retries: 3", with: "retries: 1").write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        let retries = Mutex<[(endpoint: String, retry: Int, of: Int, reason: String)]>([])
        let observer: RunObserver = { event in
            if case .retrying(let endpoint, let retry, let of, _, let reason) = event {
                retries.withLock { $0.append((endpoint, retry, of, reason)) }
            }
        }
        _ = try await #require(throws: LoomError.self) { try await fixture.runner(observer: observer).run() }
        // Each of the 3 items waited once before its one retry, and the reason says what happened.
        let told = retries.withLock { $0 }
        #expect(told.count == 3)
        #expect(told.allSatisfy { $0.endpoint == "mock" && $0.retry == 1 && $0.of == 1 })
        #expect(told.allSatisfy { $0.reason.contains("endpoint mock: transport") })

        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let caption = try #require(status.stages.first { $0.stage == "caption" })
        #expect(caption.started == true)
        #expect(caption.done == 0 && caption.failed == 0 && caption.pending == 3)
        let verify = try #require(status.stages.first { $0.stage == "verify" })
        #expect(verify.started == false)
        #expect(status.stages.map(\.stage).firstIndex(of: "caption")! < status.stages.map(\.stage).firstIndex(of: "verify")!)

        up.withLock { $0 = true }
        _ = try await fixture.runner().run()
        let after = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let captioned = try #require(after.stages.first { $0.stage == "caption" })
        #expect(captioned.done == 3 && captioned.pending == 0)
        let verified = try #require(after.stages.first { $0.stage == "verify" })
        #expect(verified.started == true && verified.pending == 0)

        // One photo replaced by a new one, and the server down again: the caption of the photo that is gone stays
        // done in the ledger, and the new photo is pending.
        let photos = fixture.folder.appendingPathComponent("photos")
        try FileManager.default.removeItem(at: photos.appendingPathComponent("p0.jpg"))
        try Data(try IngestFixture.jpeg(seed: 999)).write(to: photos.appendingPathComponent("p9.jpg"))
        up.withLock { $0 = false }
        _ = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        let replaced = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let recaptioned = try #require(replaced.stages.first { $0.stage == "caption" })
        #expect(recaptioned.pending == 1)
    }

    @Test("changed prompt files (an edited prompt folder, a new Loom's shipped prompts) resume the run with a note; a store from before prompts were kept apart resumes too")
    func changedPromptsResumeTheRun() async throws {
        let catalog = try PromptCatalog.load()
        let server = try await MockModelServer.start { request in .completion(text: GoodReplies.reply(request.promptKind(catalog))) }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 2, stages: "  caption: {model: mock}")
        let prompts = fixture.folder.appendingPathComponent("prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        var text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        text = text.replacingOccurrences(of: "output: run\n", with: "output: run\nprompts: prompts\n")
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        // The shipped caption prompt as the user's own file (JSON is YAML).
        try JSONEncoder().encode(catalog.caption).write(to: prompts.appendingPathComponent("caption.yaml"))
        _ = try await fixture.runner().run()

        // The prompt edited: the run goes on, and says the prompts changed.
        var edited = catalog.caption
        edited.system += "\nBe brief."
        try JSONEncoder().encode(edited).write(to: prompts.appendingPathComponent("caption.yaml"))
        let notes = Mutex<[String]>([])
        let observer: RunObserver = { event in if case .note(let text) = event { notes.withLock { $0.append(text) } } }
        _ = try await fixture.runner(observer: observer).run()
        #expect(notes.withLock { $0 }.contains { $0.contains("prompt files have changed since this run began") })
        #expect(try RunLocator.runDirectory(fixture.recipeURL.path).url.standardizedFileURL == fixture.runDirectory.standardizedFileURL)

        // A store as an earlier Loom left it: one fingerprint of settings and prompts, no prompts fingerprint.
        let runner = try fixture.runner()
        let store = try RunStore(directory: fixture.runDirectory)
        try store.setMeta("recipe_fingerprint", runner.legacyFingerprint)
        try store.removeMeta("prompts_fingerprint")
        #expect(try RunLocator.runDirectory(fixture.recipeURL.path).url.standardizedFileURL == fixture.runDirectory.standardizedFileURL)
        notes.withLock { $0 = [] }
        _ = try await fixture.runner(observer: observer).run()
        #expect(!notes.withLock { $0 }.contains { $0.contains("prompt files have changed") })
        #expect(try store.meta("recipe_fingerprint") == runner.fingerprint)
        #expect(try store.meta("prompts_fingerprint") == runner.promptsFingerprint)

        // An earlier Loom's store whose prompts differ from this Loom's cannot be told from another recipe's: refused,
        // saying what may have happened.
        try store.setMeta("recipe_fingerprint", "0123abcd")
        try store.removeMeta("prompts_fingerprint")
        await #expect { try await fixture.runner().run() } throws: { "\($0)".contains("a Loom from before November 2026 made it") }
        // The user says only the prompts changed: the run goes on, noting it, and the store gets both fingerprints;
        // not for a store another recipe (by name) made.
        notes.withLock { $0 = [] }
        let accepting = RecipeRunner(
            recipe: try RecipeLoader.load(contentsOf: fixture.recipeURL), recipeURL: fixture.recipeURL, catalog: try TemplateCatalog.bundled(),
            observer: observer, threads: 2, acceptsChangedPrompts: true)
        try store.setMeta("recipe_name", "another")
        await #expect { try await accepting.run() } throws: { "\($0)".contains("holds the store of 'another'") }
        try store.setMeta("recipe_name", "model-fixture")
        _ = try await accepting.run()
        #expect(notes.withLock { $0 }.contains { $0.contains("prompt files have changed since this run began") })
        #expect(try store.meta("recipe_fingerprint") == runner.fingerprint)
        #expect(try store.meta("prompts_fingerprint") == runner.promptsFingerprint)
    }

    @Test("raising max_tokens, as Loom advises when replies are cut off, resumes the run instead of refusing it")
    func raisingMaxTokensResumes() async throws {
        let catalog = try PromptCatalog.load()
        let server = try await MockModelServer.start { request in .completion(text: GoodReplies.reply(request.promptKind(catalog))) }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 3, stages: "  caption: {model: mock, max_tokens: 300, corrections: 1}")
        _ = try await fixture.runner().run()
        let asked = server.requestCount
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        try text.replacingOccurrences(of: "max_tokens: 300, corrections: 1", with: "max_tokens: 900, corrections: 3")
            .write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 3, failed: 0))
        #expect(server.requestCount == asked)  // the finished captions are not asked for again
    }

    @Test func aHungBodyFailsOnlyItsItemAfterTheDeadline() async throws {
        let catalog = try PromptCatalog.load()
        // Every request about the first image the server sees hangs after the response head; the other image's
        // requests are answered (retries cover an attempt that a busy test machine makes late).
        let hungImage = Mutex<String?>(nil)
        let server = try await MockModelServer.start { request in
            let image = request.imageURLs.first ?? ""
            let hangs = hungImage.withLock { first in
                if first == nil { first = image }
                return first == image
            }
            return hangs ? .hangBody : .completion(text: GoodReplies.reply(request.promptKind(catalog)))
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 2, stages: "  caption: {model: mock}")
        var text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        text = text.replacingOccurrences(of: "timeout: 5", with: "timeout: 2").replacingOccurrences(of: "retries: 3", with: "retries: 2")
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        let summary = try await fixture.runner().run()
        #expect(summary.models?.stages["caption"] == StageCounts(done: 1, failed: 1))
        let failure = try #require(try RunStore(directory: fixture.runDirectory).failures(stage: "caption").first)
        #expect(failure.error.contains("timeout"))
    }
}

@Suite("Syphus over drawn pairs and sequences")
struct SyphusSceneTests {
    @Test func pairsAndSequencesAreAskedWithTheirKnownChangesAndEvents() async throws {
        let catalog = try PromptCatalog.load()
        let queries = Mutex<[String: String]>([:])
        let server = try await MockModelServer.start { request in
            let kind = request.promptKind(catalog)
            if case .syphus(let subset) = kind { queries.withLock { $0[subset] = request.lastMessageText ?? "" } }
            let reply = kind == .syphus("spot_the_difference")
                ? #"{"pairs":[{"instruction":"What changed between image 1 and image 2?","answer":"One object changed."}]}"#
                : #"{"pairs":[{"instruction":"What happens over the frames?","answer":"Objects move across the scene."}]}"#
            return .completion(text: reply)
        }
        defer { Task { try? await server.shutdown() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-syphus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let recipeURL = folder.appendingPathComponent("recipe.yaml")
        try """
            name: syphus-scenes
            seed: 9
            output: run
            sources:
              scenes: {singles: 0, pairs: 2, sets: 0, sequences: {count: 1, frames: {min: 4, max: 4}}}
            models:
              - {name: mock, base_url: "\(server.baseURL)", model: m, retries: 1}
            stages:
              generate: {types: [short_vqa]}
              syphus: {model: mock, subsets: [spot_the_difference, sequence_events], pairs: 1}
            """.write(to: recipeURL, atomically: true, encoding: .utf8)
        let runner = RecipeRunner(
            recipe: try RecipeLoader.load(contentsOf: recipeURL), recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(),
            threads: 2)
        let summary = try await runner.run()
        #expect(summary.models?.stages["syphus"] == StageCounts(done: 3, failed: 0))
        let sent = queries.withLock { $0 }
        #expect(sent["spot_the_difference"]?.contains("Known change: ") == true)
        #expect(sent["spot_the_difference"]?.contains("Image 2:") == true)
        #expect(sent["sequence_events"]?.contains("Frame 4:") == true)

        let store = try RunStore(directory: folder.appendingPathComponent("run"))
        var kinds: [Int] = []
        try store.forEachRecord { record, _ in
            guard record.provenance.generator == "model" else { return }
            kinds.append(record.media.count)
            #expect(record.placeholderCount == record.media.count)
            #expect(record.skill == (record.media.count == 2 ? .comparison : .temporal))
        }
        #expect(kinds.sorted() == [2, 2, 4])
    }
}

@Suite("An endpoint that refuses a stage's requests")
struct RefusedStageTests {
    @Test func aStageWhoseFirstRequestsAreAllRefusedStopsInsteadOfFailingEveryImage() async throws {
        let server = try await MockModelServer.start { _ in
            .error(status: 400, message: "this model does not accept image input")
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 10, stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.kind == .model)
        #expect(error.description.contains("does not accept image input"))
        #expect(error.description.contains("text-only model"))
        let failed = try RunStore(directory: fixture.runDirectory).failures(stage: "caption").count
        #expect(failed < 10)
    }

    @Test("a stage whose first replies can all not be used stops, says what to check, and does not pay for every item")
    func aStageWhoseFirstRepliesAreAllUnusableStops() async throws {
        let server = try await MockModelServer.start { _ in .completion(text: "Sure! Here is a caption for the image, as asked.") }
        defer { Task { try? await server.shutdown() } }
        // At most 4 in flight: the stage stops after twice that many (8) failed items.
        let fixture = try ModelFixture(server: server, photos: 16, endpoint: "    max_concurrency: 4", stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.kind == .model && error.description.contains("does not answer in the form this stage asks for"))
        #expect(error.description.contains("--no-cache"))
        // Each failed item took its reply and two corrections; the items never sent keep their attempts.
        #expect(server.requestCount <= (8 + 3) * 3)
        let failures = try RunStore(directory: fixture.runDirectory).failures(stage: "caption")
        #expect(failures.count >= 8 && failures.count < 16)
        // Run again unchanged: the saved replies fail the same way, and the stage stops again.
        let again = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(again.description.contains("does not answer in the form"))
    }

    @Test("a base_url that answers with a web page stops the stage, says to check the address, and fails few items")
    func aWebPageInsteadOfTheAPIStops() async throws {
        let server = try await MockModelServer.start { _ in
            .raw(status: 200, headers: [("Content-Type", "text/html")], body: "<html><body>Welcome to nginx!</body></html>")
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 12, stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.description.contains("were all unusable") && error.description.contains("/v1"))
        #expect(error.description.contains("Welcome to nginx"))
        #expect(try RunStore(directory: fixture.runDirectory).failures(stage: "caption").count < 12)
    }

    @Test("llama.cpp's server started without --mmproj stops the run at its first answer, with the flag to add")
    func aServerWithoutImagesStopsTheRun() async throws {
        let server = try await MockModelServer.start { _ in
            .raw(
                status: 500, headers: [("Content-Type", "application/json")],
                body: #"{"error":{"code":500,"message":"image input is not supported - hint: if this is unexpected, you may need to provide the mmproj","type":"server_error"}}"#)
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 12, stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.description.contains("cannot take images") && error.description.contains("--mmproj"))
        // Not retried: at most the first requests in flight (4) were sent, and nothing is recorded against the items.
        #expect(server.requestCount <= 4)
        #expect(try RunStore(directory: fixture.runDirectory).failures(stage: "caption").isEmpty)
    }

    @Test("an input a moderated model flags (OpenRouter's 403) fails that item alone; the others are made")
    func aFlaggedInputFailsItsItemAlone() async throws {
        let catalog = try PromptCatalog.load()
        let flagged = #"{"error":{"code":403,"message":"Your input was flagged","metadata":{"reasons":["violence"],"flagged_input":"…"}}}"#
        let server = try await MockModelServer.start { request in
            request.index == 0
                ? .raw(status: 403, headers: [("Content-Type", "application/json")], body: flagged)
                : .completion(text: GoodReplies.reply(request.promptKind(catalog)))
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 4, stages: "  caption: {model: mock}")
        _ = try await fixture.runner().run()
        let failures = try RunStore(directory: fixture.runDirectory).failures(stage: "caption")
        #expect(failures.count == 1)
        #expect(failures.first?.error.contains("flagged") == true)
    }

    @Test("a stage whose first items the model all declines (it cannot see images) stops, naming why, instead of paying for every item")
    func aStageWhoseFirstItemsAreAllDeclinedStops() async throws {
        let server = try await MockModelServer.start { _ in .completion(text: "I'm sorry, but I can't see images. Please describe the picture to me.") }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 16, endpoint: "    max_concurrency: 4", stages: "  caption: {model: mock}")
        let error = try await #require(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error.description.contains("declined the first 8 items") && error.description.contains("takes images"))
        // Declined at once: one call an item, no correction turns.
        #expect(server.requestCount < 16)
        let failures = try RunStore(directory: fixture.runDirectory).failures(stage: "caption")
        #expect(failures.count >= 8 && failures.count < 16)
    }

    @Test("a key that may chat but not list the models (a 403 on the list) lets the run go on")
    func aKeyWithoutLeaveToListModelsGoesOn() async throws {
        let catalog = try PromptCatalog.load()
        let server = try await MockModelServer.start(
            modelList: .error(status: 403, message: "Missing scopes: api.model.read", code: "insufficient_scope")
        ) { request in .completion(text: GoodReplies.reply(request.promptKind(catalog))) }
        defer { Task { try? await server.shutdown() } }
        let fixture = try ModelFixture(server: server, photos: 2, stages: "  caption: {model: mock}")
        let note = try #require(try EndpointPreflight.verdict(
            .unclear("the key may not list the models (HTTP 403: Missing scopes: api.model.read)"),
            ModelEndpoint(name: "mock", baseURL: server.baseURL, model: "mock-model")))
        #expect(note.contains("Missing scopes"))
        _ = try await fixture.runner().run()
        #expect(server.requestCount >= 2)
    }
}
