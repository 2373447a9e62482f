import NIOCore
import Synchronization

/// When a request's stream last sent something, and whether its timer cut the request off: shared by the
/// attempt's timer on the event loop and the task reading the stream.
final class StreamProgress: Sendable {
    private let lastNanoseconds: Atomic<UInt64>
    private let cutOff = Atomic<Bool>(false)

    init(_ start: NIODeadline) {
        lastNanoseconds = Atomic(start.uptimeNanoseconds)
    }

    /// The moment the last chunk came (or the request started).
    var last: NIODeadline { .uptimeNanoseconds(lastNanoseconds.load(ordering: .relaxed)) }

    /// A chunk came now.
    func advanced() { lastNanoseconds.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed) }

    /// The timer ended the request.
    func cut() { cutOff.store(true, ordering: .relaxed) }

    /// Whether the timer ended the request.
    var wasCut: Bool { cutOff.load(ordering: .relaxed) }
}
