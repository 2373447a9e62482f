import LoomCore
import LoomStore

/// Every medium of the run, read from the store in one pass: exports look media up for every record they write,
/// and one SQL lookup per reference cost more than all the rest of an export.
///
/// Memory grows with the number of media (their ids, stored and exported paths), not records.
///
/// Unchecked `Sendable`: `index` and `items` never change after `init`, and `placed` is touched only by the
/// export's writing thread.
final class MediaCatalog: @unchecked Sendable {
    /// Never changed after `init`, so the export's reading thread may look slots up while the writing thread
    /// places media (`placed` is the writing thread's alone).
    private let index: MediaIDIndex
    private let items: [MediaItem]
    /// How each medium was placed in the export, once it is.
    private var placed: [PlacedMedium?]

    init(store: RunStore) throws {
        var items: [MediaItem] = []
        try store.forEachMediaItem { item in items.append(item) }
        index = MediaIDIndex(ids: items.lazy.map(\.id))
        self.items = items
        placed = Array(repeating: nil, count: items.count)
    }

    /// The medium's position in the catalog, if the run has it.
    func slot(_ id: String) -> Int32? { index.slot(id) }

    /// The slot and id of the medium whose id has these UTF-8 bytes, if the run has it: the id is the catalog's
    /// own string, so a reader that resolves ids this way makes none.
    func resolve(_ idBytes: UnsafeBufferPointer<UInt8>) -> (slot: Int32, id: String)? {
        index.slot(idBytes).map { ($0, items[Int($0)].id) }
    }

    /// The medium with this id, if the run has it.
    func item(_ id: String) -> MediaItem? {
        index.slot(id).map { items[Int($0)] }
    }

    /// The medium at a position `slot(_:)` gave.
    func item(atSlot slot: Int32) -> MediaItem { items[Int(slot)] }

    /// How the export placed the medium, if it has.
    func placement(_ id: String) -> PlacedMedium? {
        index.slot(id).flatMap { placed[Int($0)] }
    }

    /// How the export placed the medium at this position, if it has.
    func placement(atSlot slot: Int32) -> PlacedMedium? { placed[Int(slot)] }

    func recordPlacement(_ medium: PlacedMedium) {
        if let slot = index.slot(medium.id) { placed[Int(slot)] = medium }
    }

    func recordPlacement(_ medium: PlacedMedium, atSlot slot: Int32) { placed[Int(slot)] = medium }
}
