/// Progress events of a run, for a terminal bar or log lines.
public enum RunEvent: Sendable {
    /// A stage begins with `total` items, `alreadyDone` of them finished by an earlier run.
    case stageStarted(stage: Stage, total: Int, alreadyDone: Int)
    /// A stage that started without a total (ingest streams its sources) has counted its input: `total` items,
    /// rejections included, which its `done` plus `failed` reach when it ends.
    case totalCounted(stage: Stage, total: Int)
    /// `done` and `failed` items of the stage so far (including earlier runs), and records written.
    case progressed(stage: Stage, done: Int, failed: Int, records: Int)
    case stageFinished(stage: Stage, done: Int, failed: Int)
    /// One item failed and was recorded; the run goes on.
    case itemFailed(item: String, stage: Stage, reason: String)
    /// What a model stage has paid so far (over every invocation of the run), and its endpoint's current
    /// concurrency limit.
    case spent(stage: Stage, calls: Int, tokens: Int, cost: Double, concurrency: Int)
    /// A model call failed and waits `delay` seconds before retry `retry` of `of` (a server down or still loading,
    /// a 5xx, a rate limit): without it a long backoff looks like a hang.
    case retrying(endpoint: String, retry: Int, of: Int, delay: Double, reason: String)
    /// Something the user should know that does not stop the run (an endpoint not reachable yet, say).
    case note(String)
}

/// Receives progress events. Called from the run's tasks; implementations must be thread-safe.
public typealias RunObserver = @Sendable (RunEvent) -> Void
