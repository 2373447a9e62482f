import LoomCore
import Synchronization

/// A user's request to stop a run early (the CLI's first Ctrl-C), heard by the model stages: they send no new
/// request, wait for the replies already asked for (those are paid for, and saved as they come), then end the run
/// with `stoppedError`. Work of other stages is committed batch by batch, so for them the CLI simply exits.
public final class RunStop: Sendable {
    private let state = Mutex((requested: false, modelStages: 0))

    public init() {}

    /// Asks the run to stop.
    public func request() { state.withLock { $0.requested = true } }

    /// Whether a stop was asked for.
    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Whether a model stage is running, so that stopping is worth waiting for (its requests in flight are paid).
    public var waitsForReplies: Bool { state.withLock { $0.modelStages > 0 } }

    func modelStageStarted() { state.withLock { $0.modelStages += 1 } }
    func modelStageEnded() { state.withLock { $0.modelStages -= 1 } }

    /// The error a model stage ends the run with once its requests in flight are answered.
    static func stoppedError(stage: Stage) -> LoomError {
        LoomError(
            .usage,
            "stopped at your request during \(stage.rawValue); the replies already asked for were saved, nothing is paid twice: run again to resume",
            subject: stage.rawValue)
    }
}
