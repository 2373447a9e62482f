import LoomCore
import LoomLLM
import LoomRecipe
import LoomStore
import Synchronization

/// Runs the items of one model stage against its endpoint: many in flight (the client's adaptive limit decides
/// how many requests are really sent), each item's results committed with its ledger row through the batching
/// writer. An item whose calls fail is recorded as failed with the reason (and the unusable reply kept); an
/// error that would fail every item the same way (a wrong key, an unknown model) stops the run at once.
struct ModelItemRunner: Sendable {
    let stage: Stage
    let client: OpenAIClient
    let endpoint: ModelEndpoint
    let call: ModelCallSettings
    let context: ModelStageContext

    /// Runs `make` for each item not done yet; returns done and failed counts over all invocations.
    func run<Item: Sendable>(
        _ items: [Item], id: @escaping @Sendable (Item) -> String,
        make: @escaping @Sendable (Item, ModelCall) async throws -> StoreWrite
    ) async throws -> StageCounts {
        let (stage, client, endpoint, call, writer, bypass) = (stage, client, endpoint, call, context.writer, context.bypassCache)
        let store = context.store
        // Failures of items this run no longer plans (an earlier result they were planned from was mended) go.
        try store.forgetFailures(stage: stage.rawValue, notIn: Set(items.map(id)))
        let done = try store.completedItems(stage: stage.rawValue)
        let exhausted = Set(try store.failures(stage: stage.rawValue).filter { $0.attempts >= RecipeRunner.maxAttempts }.map(\.item))
        let pending = items.filter { !done.contains(id($0)) && !exhausted.contains(id($0)) }
        // For `loom status`: the stage's items, and the done rows of items this plan no longer holds (those rows
        // stay, and the ledger's count includes them).
        let planned = Set(items.map(id))
        try store.setMeta([
            (RunDirectory.Key.plannedItems(stage), String(items.count)),
            (RunDirectory.Key.unplannedDone(stage), String(done.subtracting(planned).count)),
        ])
        let observer = context.observer
        observer?(.stageStarted(stage: stage, total: items.count, alreadyDone: items.count - pending.count))
        let tally = RunTally(done: items.count - pending.count - exhausted.count, failed: exhausted.count)
        let paid = try store.spend()
        let spend = SpendTally(paid.first { $0.stage == stage.rawValue })
        let limit = context.recipe.costLimit.map {
            SpendLimit(dollars: $0, paidElsewhere: paid.filter { $0.stage != stage.rawValue }.reduce(0) { $0 + $1.cost })
        }
        // A stage some of whose items were done already (an earlier invocation) works: neither streak can stop it.
        let capacity = max(endpoint.maxConcurrency, 1)
        let refusals = FailureStreak(limit: 8, anySuccess: !done.isEmpty)
        // Answers that are not completions at all (a web page at the base URL, streams that keep breaking).
        let nonCompletions = FailureStreak(limit: 8, anySuccess: !done.isEmpty)
        // Items in flight finish in any order: as many as twice the stage keeps going must all fail.
        let unusableReplies = FailureStreak(limit: min(64, max(8, 2 * capacity)), anySuccess: !done.isEmpty)
        // Refusals are the items' own, but a stage whose first items are all refused has a model that refuses the
        // task (one that cannot see images, a gateway that drops them): each further item would be paid for too.
        let declinedReplies = FailureStreak(limit: min(64, max(8, 2 * capacity)), anySuccess: !done.isEmpty)
        let outage = OutageBreaker(inFlight: max(endpoint.maxConcurrency, 1))
        let stop = context.stop
        stop?.modelStageStarted()
        defer { stop?.modelStageEnded() }

        /// Records a failed item: its ledger row, its raw reply, the tally and the observer's events.
        @Sendable func record(_ failure: OutageBreaker.Held) async throws {
            var write = StoreWrite(ledger: [LedgerEntry(item: failure.item, stage: stage.rawValue, status: .failed, error: failure.reason)])
            if let raw = failure.raw {
                write.rawReplies = [RawReply(item: failure.item, stage: stage.rawValue, reason: failure.reason, text: String(raw.prefix(100_000)))]
            }
            try await writer.submit(write)
            let now = tally.state.withLock { state in
                state.failed += 1
                return state
            }
            observer?(.itemFailed(item: failure.item, stage: stage, reason: failure.reason))
            observer?(.progressed(stage: stage, done: now.done, failed: now.failed, records: now.records))
        }

        var sent = 0
        let sameRequests = InFlightRequests()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var queue = pending.makeIterator()
            var inFlight = 0
            func startNext() -> Bool {
                // After a stop request nothing new is sent; what is in flight is still received and saved.
                guard stop?.isRequested != true, inFlight < capacity, sent < pending.count else { return false }
                if let limit, !limit.allowsAnother(spend.totals.withLock { $0 }, inFlight: inFlight) { return false }
                guard let item = queue.next() else { return false }
                sent += 1
                inFlight += 1
                let itemID = id(item)
                group.addTask {
                    let modelCall = ModelCall(
                        client: client, endpoint: endpoint, call: call, store: store, stage: stage, item: itemID,
                        bypassCache: bypass, spend: spend, inFlight: sameRequests)
                    var failure: OutageBreaker.Held?
                    let start = outage.started()
                    /// The stage's spend so far, for the progress line: told before the item's progress, so that a line
                    /// never shows an item done without the calls it took.
                    @Sendable func tellSpend() {
                        let totals = spend.totals.withLock { $0 }
                        observer?(.spent(stage: stage, calls: totals.calls, tokens: totals.tokens, cost: totals.cost, concurrency: client.statistics.concurrencyLimit))
                    }
                    do {
                        let write = try await make(item, modelCall)
                        tellSpend()
                        try await writer.submit(write)
                        refusals.succeeded()
                        nonCompletions.succeeded()
                        unusableReplies.succeeded()
                        declinedReplies.succeeded()
                        for held in outage.succeeded(startedAt: start) { try await record(held) }
                        let now = tally.state.withLock { state in
                            state.done += 1
                            state.records += write.recordCount
                            return state
                        }
                        observer?(.progressed(stage: stage, done: now.done, failed: now.failed, records: now.records))
                    } catch let error as ModelError where error.kind == .stopped {
                        // Not retried after a stop: the item keeps its attempts, and no streak or breaker counts it.
                        _ = error
                        return
                    } catch let error as ModelError where error.stopsRun {
                        throw LoomError(.model, error.description + Self.advice(for: error), subject: "models.\(endpoint.name)")
                    } catch let error as ModelError {
                        if error.kind == .badRequest, refusals.failed() {
                            throw LoomError(
                                .model, "the first \(refusals.limit) requests were all refused: " + error.description + Self.advice(for: error),
                                subject: "models.\(endpoint.name)")
                        }
                        if error.kind == .invalidResponse, nonCompletions.failed() {
                            // A web page or a body that is no JSON says the address is not the API's; anything else
                            // (an error the server sent in its stream) speaks for itself.
                            let address = ["web page", "not JSON", "is empty"].contains(where: error.message.contains)
                                ? " — check that base_url is the OpenAI-compatible API's address (most servers serve it under /v1)" : ""
                            throw LoomError(
                                .model,
                                "the answers to the first \(nonCompletions.limit) items were all unusable: \(error.description)\(address)",
                                subject: "models.\(endpoint.name)")
                        }
                        let held = OutageBreaker.Held(item: itemID, reason: error.description, raw: error.rawReply, kind: error.kind)
                        if error.kind == .declined, declinedReplies.failed() {
                            try await record(held)
                            throw Self.declined(declinedReplies.limit, last: error.description, endpoint)
                        }
                        if OutageBreaker.isEndpointWide(error) {
                            if outage.hold(held) {
                                throw Self.outage("\(outage.limit) items in a row failed with no success between", last: error, endpoint)
                            }
                        } else {
                            failure = held
                        }
                    } catch let error as ModelItemFailure {
                        let held = OutageBreaker.Held(item: itemID, reason: "the reply could not be used: " + error.reason, raw: error.rawReply)
                        if error.isUnusableReply, unusableReplies.failed() {
                            // Recorded first: the item's attempt counts, and its reply is kept for the user to read.
                            try await record(held)
                            throw Self.unusable(unusableReplies.limit, last: error.reason, endpoint)
                        }
                        if error.isDeclined, declinedReplies.failed() {
                            try await record(held)
                            throw Self.declined(declinedReplies.limit, last: error.reason, endpoint)
                        }
                        failure = held
                    } catch let error as LoomError where error.kind != .store {
                        failure = OutageBreaker.Held(item: itemID, reason: error.description, raw: nil)
                    }
                    tellSpend()
                    if let failure { try await record(failure) }
                }
                return true
            }
            // Enough items in flight to keep the endpoint's largest allowed concurrency busy (the cost limit may
            // allow fewer).
            while startNext() {}
            while try await group.next() != nil {
                inFlight -= 1
                while startNext() {}
            }
        }
        // With nothing in flight, only the cost limit leaves items unsent (or a stop, handled next).
        let limitReached = sent < pending.count
        if stop?.isRequested == true {
            try await writer.flush()
            throw RunStop.stoppedError(stage: stage)
        }
        let (held, anySuccess) = outage.drain()
        if let last = held.last, !anySuccess {
            let hint = last.kind == .transport ? "; is the server running and reachable at \(endpoint.baseURL)?" : ""
            throw Self.outage("all \(held.count) items sent failed and none succeeded", last: last.reason + hint, endpoint)
        }
        for failure in held { try await record(failure) }
        try await writer.flush()
        let totals = spend.totals.withLock { $0 }
        observer?(.spent(stage: stage, calls: totals.calls, tokens: totals.tokens, cost: totals.cost, concurrency: client.statistics.concurrencyLimit))
        if totals.estimated > 0 {
            observer?(.note(
                "\(stage.rawValue): the server reported no token usage for \(totals.estimated) call(s); their tokens and cost are estimated (4 characters a token, 800 tokens an image). With stream: true, a server that ignores stream_options.include_usage sends none"))
        }
        // What was received is committed; the items not sent keep their attempts for the next run.
        if limitReached, let limit { throw limit.reachedError(stage: stage, paid: totals.cost, left: pending.count - sent) }
        let counts = tally.state.withLock { StageCounts(done: $0.done, failed: $0.failed) }
        observer?(.stageFinished(stage: stage, done: counts.done, failed: counts.failed))
        return counts
    }

    /// The error that stops a stage when its endpoint seems down: nothing is recorded against the items.
    static func outage(_ what: String, last error: ModelError, _ endpoint: ModelEndpoint) -> LoomError {
        var last = error.description
        if error.kind == .transport { last += "; is the server running and reachable at \(endpoint.baseURL)?" }
        return outage(what, last: last, endpoint)
    }

    static func outage(_ what: String, last: String, _ endpoint: ModelEndpoint) -> LoomError {
        LoomError(
            .model,
            "\(what) (last: \(last)): the endpoint seems down or overloaded, so the stage stops here; those items keep their attempts — run again when it answers (finished items are kept)",
            subject: "models.\(endpoint.name)")
    }

    /// The error that stops a stage whose first items' replies all could not be used.
    static func unusable(_ count: Int, last: String, _ endpoint: ModelEndpoint) -> LoomError {
        LoomError(
            .model,
            "the replies to the first \(count) items could all not be used, after their correction turns (last: \(last)): the model does not answer in the form this stage asks for, so the stage stops here instead of paying for every item. Check the last reason: replies cut off need a larger max_tokens; a reasoning model needs the server's reasoning parser (vLLM --reasoning-parser, llama.cpp --reasoning-format); a small model may need a larger one. Replies are cached: after changing only the server, run with --no-cache",
            subject: "models.\(endpoint.name)")
    }

    /// The error that stops a stage whose first items the model all declined.
    static func declined(_ count: Int, last: String, _ endpoint: ModelEndpoint) -> LoomError {
        LoomError(
            .model,
            "the model declined the first \(count) items (last: \(last)): it refuses this stage's task, so the stage stops here instead of paying for every item. A model that cannot see images, or a gateway that drops them, answers so; check that \(endpoint.model) takes images. Replies are cached: after changing the model or the server, run with --no-cache",
            subject: "models.\(endpoint.name)")
    }

    /// What to do about an error that stops the run.
    static func advice(for error: ModelError) -> String {
        switch error.kind {
        case .unauthorized: return " — check the API key in the environment variable named by api_key_env"
        case .forbidden: return " — the key may not use this model or endpoint"
        // A 404's message already says to check both, with the address it tried.
        case .modelNotFound: return error.status == 404 ? "" : " — check the model name and the base_url"
        case .quotaExceeded: return " — add credit or raise the account's limit, then run again (finished items are kept)"
        case .badRequest: return " — the server refuses this stage's requests (a text-only model given images?)"
        case .imagesUnsupported:
            return " — start llama.cpp's server with --mmproj and the model's projector file, or serve a vision model"
        default: return ""
        }
    }
}

/// Counts failures of one kind before any success of a stage: when its first few items all fail the same way,
/// every item would (an image sent to a text-only model, a model that never answers in the asked format), and
/// going on pays for nothing.
final class FailureStreak: Sendable {
    /// Failures with no success before them that stop the stage.
    let limit: Int
    private let state: Mutex<(failed: Int, anySuccess: Bool)>

    init(limit: Int, anySuccess: Bool) {
        self.limit = limit
        state = Mutex((0, anySuccess))
    }

    func succeeded() { state.withLock { $0.anySuccess = true } }

    /// Records one failure; true when the streak has reached the limit with no success yet.
    func failed() -> Bool {
        state.withLock { state in
            state.failed += 1
            return !state.anySuccess && state.failed >= limit
        }
    }
}
