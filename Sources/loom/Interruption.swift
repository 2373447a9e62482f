import Dispatch
import Foundation

/// Turns Ctrl-C into a short message and exit code 130. Committed work is in the store either way; an
/// uncommitted batch is simply made again by the next run.
final class Interruption {
    private let source: any DispatchSourceSignal

    private init(source: any DispatchSourceSignal) {
        self.source = source
    }

    static func onControlC(_ message: @escaping @Sendable () -> Void) -> Interruption {
        signal(SIGINT, SIG_IGN)  // let the dispatch source receive it instead of the default handler
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
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
