import Dispatch
import Foundation
import LoomEngine
import Synchronization

/// Turns Ctrl-C into a short message and exit code 130. Committed work is in the store either way; an
/// uncommitted batch is simply made again by the next run. While a model stage runs, the first Ctrl-C asks the run
/// to stop instead (`RunStop`: the replies already asked for are paid, so they are waited for and saved); a second
/// one quits at once.
final class Interruption {
    private let source: any DispatchSourceSignal

    private init(source: any DispatchSourceSignal) {
        self.source = source
    }

    /// - Parameters:
    ///   - stop: the run's stop request; nil to quit on the first Ctrl-C.
    ///   - stopping: said when the first Ctrl-C asks the run to stop rather than quitting.
    ///   - message: said just before quitting.
    static func onControlC(
        stop: RunStop? = nil, stopping: @escaping @Sendable () -> Void = {}, _ message: @escaping @Sendable () -> Void
    ) -> Interruption {
        signal(SIGINT, SIG_IGN)  // let the dispatch source receive it instead of the default handler
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let presses = Atomic(0)
        source.setEventHandler {
            let first = presses.add(1, ordering: .relaxed).newValue == 1
            if first, let stop, stop.waitsForReplies {
                stop.request()
                stopping()
                return
            }
            message()
            exit(130)
        }
        source.resume()
        return Interruption(source: source)
    }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
