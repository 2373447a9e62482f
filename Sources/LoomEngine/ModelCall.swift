import LoomCore
import LoomLLM
import LoomRecipe
import LoomStore
import Synchronization

/// Why one item of a model stage could not be made; the run records it and goes on.
struct ModelItemFailure: Error, Sendable {
    var reason: String
    /// The model's last reply, when the failure is a reply that could not be used.
    var rawReply: String?
    /// Whether the model answered in a form the stage could not use (not JSON, the wrong shape, cut off), as
    /// against declining to answer (a refusal, a content filter) or a problem of the item's own.
    var isUnusableReply = false
    /// Whether the model declined the item (a refusal, a content filter).
    var isDeclined = false
}

/// Tokens and dollars a stage has paid, kept up to date as replies arrive, for the live progress line.
final class SpendTally: Sendable {
    struct Totals: Sendable {
        var calls = 0
        var tokens = 0
        var cost = 0.0
        /// Calls of this invocation whose tokens the server did not report (`ChatReply.usageEstimated`).
        var estimated = 0
    }

    let totals: Mutex<Totals>

    init(_ start: StageSpend?) {
        totals = Mutex(Totals(calls: start?.calls ?? 0, tokens: (start?.promptTokens ?? 0) + (start?.completionTokens ?? 0), cost: start?.cost ?? 0))
    }

    func add(_ usage: TokenUsage, cost: Double, estimated: Bool = false) -> Totals {
        totals.withLock {
            $0.calls += 1
            if estimated { $0.estimated += 1 }
            $0.tokens += usage.total
            $0.cost += cost
            return $0
        }
    }
}

/// One item's access to its stage's model: every request goes through the run's response cache (attributed to
/// this item), replies are parsed and checked with correction turns, and what was paid is counted.
struct ModelCall: Sendable {
    let client: any ChatModel
    let endpoint: ModelEndpoint
    let call: ModelCallSettings
    let store: RunStore
    let stage: Stage
    let item: String
    let bypassCache: Bool
    let spend: SpendTally
    /// The stage's requests in flight: an identical one waits for the reply instead of being paid for twice.
    var inFlight: InFlightRequests?

    /// Sends `request` and decodes the reply; returns the value and the provenance of the call (tokens and
    /// cost of every reply it took, cached or not, so a record's cost does not depend on when it was made).
    func structured<T: Sendable>(
        _ request: ChatRequest, prompt: String, correctsCutOffs: Bool = true,
        decode: @escaping @Sendable (JSONValue) throws(ReplyProblem) -> T
    ) async throws -> (value: T, provenance: ModelProvenance) {
        let cache = StoreResponseCache(store: store, stage: stage, item: item, model: endpoint.model, price: endpoint.price)
        let cached = CachedChatModel(model: client, cache: cache, bypass: bypassCache, inFlight: bypassCache ? nil : inFlight)
        let outcome = try await StructuredChat(model: cached, maxCorrections: call.corrections, correctsCutOffs: correctsCutOffs)
            .complete(request, decode: decode)
        var usage = TokenUsage()
        for reply in outcome.replies {
            usage = usage + reply.usage
            if !reply.cached {
                _ = spend.add(reply.usage, cost: endpoint.price.cost(of: reply.usage), estimated: reply.usageEstimated == true)
            }
        }
        switch outcome.result {
        case .success(let value):
            let provenance = ModelProvenance(
                endpoint: endpoint.name, model: outcome.replies.last?.model ?? endpoint.model, prompt: prompt,
                promptHash: String(request.cacheKey.prefix(16)), promptTokens: usage.prompt, completionTokens: usage.completion,
                cost: endpoint.price.cost(of: usage))
            return (value, provenance)
        case .failure(let error):
            throw ModelItemFailure(
                reason: error.message, rawReply: error.rawReply, isUnusableReply: error.kind == .invalidReply,
                isDeclined: error.kind == .declined)
        }
    }
}

extension ModelProvenance {
    /// This provenance with tokens and cost divided among `count` records written by one call.
    func share(of count: Int, seedQuestions: [String] = []) -> ModelProvenance {
        var copy = self
        let parts = max(count, 1)
        copy.promptTokens = promptTokens / parts
        copy.completionTokens = completionTokens / parts
        copy.cost = cost / Double(parts)
        copy.seedQuestions = seedQuestions
        return copy
    }
}
