import Foundation
import LoomEngine
import Synchronization

/// Shows run progress: a redrawn bar with rate and ETA on a terminal, a log line every few seconds otherwise.
final class ProgressDisplay: Sendable {
    private struct State {
        var stage: Stage = .render
        var total = 0
        var startDone = 0
        var started = Date()
        var lastPrint = Date.distantPast
        var barShown = false
        /// The model stage's spend line: calls, tokens, dollars and the endpoint's current concurrency.
        var spend = ""
        /// Failed items shown one by one in this stage; past `failureLines` they are only counted.
        var failuresShown = 0
        /// When the last retry line was shown, and the retries waited since then without a line of their own.
        var lastRetryLine = Date.distantPast
        var retriesUnshown = 0
    }

    /// Failed items a stage shows one line each; the rest are in the count and in `loom status`.
    private static let failureLines = 20

    private let isTerminal = isatty(STDERR_FILENO) == 1
    /// Seconds between log lines without a terminal; `LOOM_PROGRESS_INTERVAL` overrides (0: every event).
    private let logInterval = ProcessInfo.processInfo.environment["LOOM_PROGRESS_INTERVAL"].flatMap(Double.init) ?? 5
    private let state = Mutex(State())

    var observe: RunObserver {
        { [self] event in handle(event) }
    }

    private func handle(_ event: RunEvent) {
        state.withLock { state in
            switch event {
            case .stageStarted(let stage, let total, let alreadyDone):
                let shown = state.barShown
                state = State(stage: stage, total: total, startDone: alreadyDone, started: Date())
                state.barShown = shown
                if alreadyDone > 0 {
                    emit("\(stage.rawValue): resuming, \(alreadyDone)" + (total > 0 ? " of \(total)" : "") + " already done", &state)
                }
            case .totalCounted(let stage, let total):
                // A count that arrives after its stage ended is of no use.
                if stage == state.stage { state.total = total }
            case .progressed(let stage, let done, let failed, let records):
                let now = Date()
                let interval: TimeInterval = isTerminal ? 0.1 : logInterval
                guard now.timeIntervalSince(state.lastPrint) >= interval || done + failed == state.total else { return }
                state.lastPrint = now
                let elapsed = max(0.001, now.timeIntervalSince(state.started))
                // Resumed ingest passes its earlier files on as it meets them, so `done` starts below `startDone`.
                let rate = Double(max(0, done - state.startDone)) / elapsed
                let remaining = max(0, state.total - done - failed)
                let eta = rate > 0 ? Self.duration(Double(remaining) / rate) : "?"
                let fraction = state.total > 0 ? Double(done + failed) / Double(state.total) : 1
                // A stage that streams its input (ingest) does not know its total in advance.
                let detail = (state.total > 0
                    ? String(format: "%@ %d/%d (%.0f%%) %.1f/s ETA %@", stage.rawValue, done + failed, state.total, fraction * 100, rate, eta)
                        + (stage == .ingest ? "" : ", \(records) records")
                    : String(format: "%@ %d %@ %.1f/s", stage.rawValue, done + failed, stage == .convert ? "rows" : "files", rate))
                    + (failed > 0 ? ", \(failed) failed" : "") + state.spend
                if isTerminal {
                    let width = 28
                    let filled = Int(fraction * Double(width))
                    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                    // One screen line: a longer one wraps, and the next redraw clears only its last row.
                    let line = "[\(bar)] \(detail)"
                    let columns = Self.terminalColumns()
                    let shown = line.count < columns ? line : String(line.prefix(max(1, columns - 2))) + "…"
                    FileHandle.standardError.write(Data("\r\u{1B}[2K\(shown)".utf8))
                    state.barShown = true
                } else {
                    emit(detail, &state)
                }
            case .stageFinished(let stage, let done, let failed):
                let retries = state.retriesUnshown > 0 ? " (after \(state.retriesUnshown) more retries than shown)" : ""
                emit("\(stage.rawValue): \(done) done, \(failed) failed\(retries)", &state)
            case .itemFailed(let item, let stage, let reason):
                state.failuresShown += 1
                if state.failuresShown <= Self.failureLines {
                    emit("\(stage.rawValue) failed for \(item): \(reason)", &state)
                } else if state.failuresShown == Self.failureLines + 1 {
                    emit("\(stage.rawValue): more items failed; they are counted, and `loom status` lists them with their reasons", &state)
                }
            case .note(let text):
                emit("note: \(text)", &state)
            case .retrying(_, let retry, let of, let delay, let reason):
                // The first wait of a stage at once, then one line every few seconds: many requests in flight
                // retry together.
                let now = Date()
                guard state.lastRetryLine == .distantPast || now.timeIntervalSince(state.lastRetryLine) >= max(logInterval, 1) else {
                    state.retriesUnshown += 1
                    return
                }
                let others = state.retriesUnshown > 0 ? " (\(state.retriesUnshown) other retries since the last such line)" : ""
                state.lastRetryLine = now
                state.retriesUnshown = 0
                let wait = delay < 60 ? String(format: "%.1f s", delay) : Self.duration(delay)
                let shown = reason.count <= 300 ? reason : String(reason.prefix(300)) + "…"
                emit("\(state.stage.rawValue): a model call failed, retry \(retry) of \(of) in \(wait)\(others): \(shown)", &state)
            case .spent(let stage, let calls, let tokens, let cost, let concurrency):
                guard stage == state.stage else { return }
                state.spend = String(format: ", %d calls, %d tokens, $%.4f, concurrency %d", calls, tokens, cost, concurrency)
            }
        }
    }

    /// "45s", "12m05s", "2h45m".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }

    /// The terminal's width in columns (80 when it cannot be told).
    private static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private func emit(_ line: String, _ state: inout State) {
        let prefix = state.barShown ? "\r\u{1B}[2K" : ""
        state.barShown = false
        FileHandle.standardError.write(Data((prefix + line + "\n").utf8))
    }

    func finish() {
        state.withLock { state in
            if state.barShown { FileHandle.standardError.write(Data("\n".utf8)) }
            state.barShown = false
        }
    }
}
