import Foundation

/// A fixed-size array of plain values in memory the kernel is asked to back with 2 MiB pages (transparent huge
/// pages, `madvise(MADV_HUGEPAGE)`), for tables looked up at random positions many times over.
///
/// With 4 KiB pages, a random read in a table of tens of megabytes misses the TLB as well as the cache: on a
/// million-record export, huge pages took a quarter off the media id lookups. Where the kernel gives no huge
/// pages, this is an ordinary array.
///
/// Unchecked `Sendable`: like the tables holding it, it is written by one thread, and read by others only after a
/// hand-over that orders the writes before the reads.
final class HugePageArray<Element: BitwiseCopyable>: @unchecked Sendable {
    private static var hugePage: Int { 2 << 20 }

    let count: Int
    private let base: UnsafeMutablePointer<Element>

    init(repeating value: Element, count: Int) {
        self.count = count
        let bytes = max(1, count * MemoryLayout<Element>.stride)
        // Whole huge pages, aligned to one, or the kernel cannot map them as such. A table smaller than one huge
        // page gains nothing from it, and would make a whole one resident: it gets ordinary memory.
        let huge = bytes >= Self.hugePage
        let byteCount = huge ? (bytes + Self.hugePage - 1) / Self.hugePage * Self.hugePage : bytes
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, huge ? Self.hugePage : 64, byteCount) == 0, let memory else {
            fatalError("out of memory for a table of \(count) entries")
        }
        if huge { madvise(memory, byteCount, MADV_HUGEPAGE) }
        base = memory.bindMemory(to: Element.self, capacity: count)
        base.initialize(repeating: value, count: count)
    }

    deinit {
        free(base)
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            assert(index >= 0 && index < count)
            return base[index]
        }
        set {
            assert(index >= 0 && index < count)
            base[index] = newValue
        }
    }
}
