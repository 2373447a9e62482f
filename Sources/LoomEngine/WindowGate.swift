import Foundation

/// A counting gate for a producer thread: `acquire` blocks while `window` items are out, `release` returns one,
/// `open` lets everything through for good (the consumer is gone).
///
/// Not a `DispatchSemaphore`: libdispatch traps when a semaphore is freed with a lower count than it started
/// with, which is exactly the state a run interrupted mid-walk leaves behind.
final class WindowGate: @unchecked Sendable {
    // Every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var available: Int
    private var isOpen = false

    init(window: Int) {
        available = max(1, window)
    }

    func acquire() {
        condition.lock()
        defer { condition.unlock() }
        while available == 0 && !isOpen { condition.wait() }
        available -= 1
    }

    func release() {
        condition.lock()
        available += 1
        condition.signal()
        condition.unlock()
    }

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }
}
