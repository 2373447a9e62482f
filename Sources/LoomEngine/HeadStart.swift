import LoomCore
import LoomStore

/// The first hand-overs of a stage, started on the workers before the stage itself can run.
///
/// A run that starts a new run directory knows every sample is still to make, but its store takes a while to
/// create (the file, its schema, the first transactions: about 12 ms of the quickstart, on one core). The workers
/// make the first samples meanwhile; `BoundedMaker.run` then takes their results for its first hand-overs instead
/// of making those items again. Results are only kept in memory until the stage commits them, as with any
/// hand-over.
struct HeadStart<Item: Sendable>: Sendable {
    /// The ids of the items the hand-overs cover, in order.
    let ids: [String]
    /// How many items the stage had when the hand-overs were cut (their size depends on it).
    let stageItems: Int
    /// One task per hand-over, in order.
    let chunks: [Task<[Result<StoreWrite, LoomError>], any Error>]

    /// Starts making the first hand-overs of `items` on `workers`, cut as `BoundedMaker.run` cuts them.
    init(
        _ items: [Item], id: (Item) -> String, workers: CPUWorkers, recoverable: Set<LoomError.Kind>,
        make: @escaping @Sendable (Item) throws -> StoreWrite
    ) {
        let size = BoundedMaker.chunkSize(items: items.count, threads: workers.threads)
        let covered = Array(items.prefix(size * Self.handOvers(threads: workers.threads)))
        ids = covered.map(id)
        stageItems = items.count
        chunks = stride(from: 0, to: covered.count, by: size).map { start in
            let chunk = Array(covered[start..<min(start + size, covered.count)])
            return Task { try await workers.run { try BoundedMaker.outcomes(of: chunk, recoverable: recoverable, make: make) } }
        }
    }

    /// How many hand-overs a head start makes: eight per thread. With the quickstart's hand-overs of 8 samples that
    /// is 128 samples, about the work two workers do while the store is created; with only the two per thread the
    /// stage keeps in flight, they were done after a third of that time and then waited.
    static func handOvers(threads: Int) -> Int {
        max(1, threads) * 8
    }

    /// Whether the hand-overs are the first ones `BoundedMaker.run` would make of `items`: the same items, cut the
    /// same way. They are not when the store turned out to hold some of them (another process made it meanwhile).
    func fits(_ items: [Item], id: (Item) -> String) -> Bool {
        items.count == stageItems && items.count >= ids.count && zip(items, ids).allSatisfy { id($0.0) == $0.1 }
    }

    /// Waits until every hand-over is done, their results thrown away: a head start that was not used ends
    /// before the run goes on (or stops).
    func discard() async {
        for chunk in chunks { _ = try? await chunk.value }
    }
}
