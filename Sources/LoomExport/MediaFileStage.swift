import LoomCore
import LoomStore
import Synchronization

/// Places the image files of an export's rows on a thread of its own, a few batches ahead of the thread that
/// writes the records: linking a file into a folder of 200,000 was a quarter of an export's work, all of it on
/// the writing thread.
///
/// Every medium of the run has one state, kept by catalog slot: not yet placed, placed, or failed with a reason.
/// This stage sets a medium's state once, before it hands the batch that first needs the medium on (the hand-over
/// is what orders it before the writing thread's reads); the writing thread reads states and never sets them.
/// Rows whose media were not all resolved to slots, and media outside the rows (videos, inlined examples), stay
/// with the writing thread's `MediaPlacer`; a file both try to place is written once (the other finds it there).
final class MediaFileStage: @unchecked Sendable {
    /// What became of a medium's file.
    enum Outcome: Equatable {
        case notYet
        case placed
        case failed(reason: String)
    }

    private static let notYet: UInt8 = 0
    private static let placedState: UInt8 = 1
    private static let failedState: UInt8 = 2

    private let files: MediaFileWriter
    private let catalog: MediaCatalog
    /// One state per catalog slot. `@unchecked Sendable` above rests on these being atomics.
    private let states: UnsafeMutablePointer<Atomic<UInt8>>
    private let count: Int

    private struct Tally {
        var images = 0
        var videos = 0
        var reasons: [Int32: String] = [:]
    }

    private let tally = Mutex(Tally())

    init(files: MediaFileWriter, catalog: MediaCatalog) {
        self.files = files
        self.catalog = catalog
        count = catalog.count
        states = .allocate(capacity: max(1, count))
        for slot in 0..<count { (states + slot).initialize(to: Atomic(Self.notYet)) }
    }

    deinit {
        states.deinitialize(count: count)
        states.deallocate()
    }

    /// Image files this stage created.
    var placedImages: Int { tally.withLock { $0.images } }
    /// Video files this stage created.
    var placedVideos: Int { tally.withLock { $0.videos } }

    /// Places the files of every medium of these rows not placed yet. A medium that cannot be read is marked
    /// failed with its reason (its records are left out later); any other failure (a full disk) is thrown.
    func placeFiles(of rows: borrowing [ExportRow]) throws {
        for index in rows.indices {
            guard let slots = rows[index].catalogSlots, slots.count == rows[index].media.count else { continue }
            for slot in slots where states[Int(slot)].load(ordering: .relaxed) == Self.notYet {
                try place(slot)
            }
        }
    }

    private func place(_ slot: Int32) throws {
        let item = catalog.item(atSlot: slot)
        do {
            let wrote = try files.place(item, as: files.describe(item))
            if wrote { tally.withLock { if item.kind == .video { $0.videos += 1 } else { $0.images += 1 } } }
            states[Int(slot)].store(Self.placedState, ordering: .releasing)
        } catch let problem as UnreadableMedium {
            tally.withLock { $0.reasons[slot] = problem.reason }
            states[Int(slot)].store(Self.failedState, ordering: .releasing)
        }
    }

    /// The medium's outcome as far as this stage got; `notYet` for media of rows it has not reached.
    func outcome(atSlot slot: Int32) -> Outcome {
        switch states[Int(slot)].load(ordering: .acquiring) {
        case Self.placedState: .placed
        case Self.failedState: .failed(reason: tally.withLock { $0.reasons[slot] } ?? "the image could not be placed")
        default: .notYet
        }
    }
}
