/// A fixed array of slots that several threads fill at once, each thread its own slots (as in
/// `DispatchQueue.concurrentPerform` with one slot per iteration). Reading happens after all writers finished.
/// The slots live behind a raw pointer, so writes to different slots need no exclusive access to the whole.
public final class UnsafeSendableSlots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Value?>

    public init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    public subscript(index: Int) -> Value? {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    public var values: [Value?] { Array(storage) }
}
