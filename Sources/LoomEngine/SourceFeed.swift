import Foundation
import LoomCore
import LoomIngest
import LoomRecipe
import Synchronization

/// Walks the recipe's collections on a thread of its own and hands their items to the async side one at a
/// time, in source order, with a bounded window: the walk pauses while `window` items are in flight, so a
/// collection of any size streams through without being listed in memory.
final class SourceFeed: Sendable {
    enum Event: Sendable {
        /// The `sequence`-th item in source order (0-based, the same on every run of the same recipe).
        case item(sequence: Int, SourceItem)
        /// Input the source could not use.
        case rejected(SourceRejection)
    }

    private let sources: [(label: String, scan: @Sendable (_ item: (SourceItem) throws -> Void, _ rejected: (SourceRejection) throws -> Void) throws -> Void)]
    private let slots: WindowGate
    private let cancelled = Atomic<Bool>(false)
    /// The number of items of a walk that went through every source without being cancelled; -1 until then.
    private let itemsOfWholeWalk = Atomic<Int>(-1)
    /// Set when the stage no longer wants the count (it ended, or the run stopped).
    private let countingStopped = Atomic<Bool>(false)
    /// Whether `countEvents` may walk the sources: not when one is a dataset, which a second reading would cost
    /// as much memory and time as the first.
    let isCountable: Bool

    init(_ collections: [CollectionSource], relativeTo folder: URL, window: Int) {
        sources = collections.map { collection in
            func resolve(_ path: String) -> String { RecipePath.resolve(path, in: folder) }
            switch collection {
            case .folder(let path, let include, let exclude):
                let source = FolderSource(root: resolve(path), include: include, exclude: exclude)
                return (collection.label, { try source.scan(item: $0, rejected: $1) })
            case .manifest(let file, let imageRoot):
                let source = ManifestSource(file: resolve(file), imageRoot: imageRoot.map(resolve))
                return (collection.label, { try source.scan(item: $0, rejected: $1) })
            case .coco(let instances, let captions, let images):
                let source = COCOSource(instances: instances.map(resolve), captions: captions.map(resolve), imageRoot: resolve(images))
                return (collection.label, { try source.scan(item: $0, rejected: $1) })
            case .dataset(let conversion):
                let source = DatasetSource(conversion, recipeFolder: folder)
                return (collection.label, { try source.scan(item: $0, rejected: $1) })
            }
        }
        slots = WindowGate(window: window)
        isCountable = !collections.contains { if case .dataset = $0 { true } else { false } }
    }

    /// How many events `events()` will hand over (items and rejections), from a walk of its own that hands nothing
    /// over: what the progress display's total and ETA need, for a stage that streams its input. Nil when the
    /// sources are not countable or the count was stopped. Blocks: call it on a thread of its own.
    func countEvents() -> Int? {
        guard isCountable else { return nil }
        var count = 0
        for source in sources {
            do {
                try source.scan(
                    { _ in
                        if countingStopped.load(ordering: .relaxed) { throw CancellationError() }
                        count += 1
                    },
                    { _ in count += 1 })
            } catch is CancellationError {
                return nil
            } catch {
                count += 1  // the walk above rejects the whole source with one event
            }
        }
        return countingStopped.load(ordering: .relaxed) ? nil : count
    }

    /// How many items the walk yielded, once it has gone through every source without being cancelled; nil before
    /// then, or when it was cancelled.
    var wholeWalkItemCount: Int? {
        let count = itemsOfWholeWalk.load(ordering: .relaxed)
        return count >= 0 ? count : nil
    }

    /// Ends the count, if it still runs, without a result.
    func stopCounting() {
        countingStopped.store(true, ordering: .relaxed)
    }

    /// Marks one item as finished, letting the walk go on.
    func release() {
        slots.release()
    }

    /// Stops the walk at its next item (the run is ending early).
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        slots.open()
    }

    /// The items of every source in order. A source that fails as a whole becomes one rejection naming it.
    func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        let thread = Thread { [self] in
            var sequence = 0
            for source in sources {
                if cancelled.load(ordering: .relaxed) { break }
                do {
                    try source.scan(
                        { item in
                            slots.acquire()
                            if cancelled.load(ordering: .relaxed) { throw CancellationError() }
                            continuation.yield(.item(sequence: sequence, item))
                            sequence += 1
                        },
                        { rejection in continuation.yield(.rejected(rejection)) })
                } catch is CancellationError {
                    break
                } catch {
                    continuation.yield(
                        .rejected(SourceRejection(subject: source.label, kind: .unusableSource, reason: "\(error)")))
                }
            }
            if !cancelled.load(ordering: .relaxed) { itemsOfWholeWalk.store(sequence, ordering: .relaxed) }
            continuation.finish()
        }
        thread.name = "loom.sources"
        thread.start()
        return stream
    }
}
