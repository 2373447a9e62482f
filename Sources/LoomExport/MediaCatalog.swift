import LoomCore
import LoomStore

/// Every medium of the run, read from the store in one pass: exports look media up for every record they write,
/// and one SQL lookup per reference cost more than all the rest of an export.
///
/// Memory grows with the number of media (their ids, stored and exported paths), not records.
///
/// Unchecked `Sendable`: `slotOfID` and `items` never change after `init`, and `placed` is touched only by the
/// export's writing thread.
final class MediaCatalog: @unchecked Sendable {
    /// Never changed after `init`, so the export's reading thread may look slots up while the writing thread
    /// places media (`placed` is the writing thread's alone).
    private let slotOfID: [String: Int32]
    private let items: [MediaItem]
    /// How each medium was placed in the export, once it is.
    private var placed: [PlacedMedium?]

    init(store: RunStore) throws {
        var slotOfID: [String: Int32] = [:]
        var items: [MediaItem] = []
        try store.forEachMediaItem { item in
            slotOfID[item.id] = Int32(items.count)
            items.append(item)
        }
        self.slotOfID = slotOfID
        self.items = items
        placed = Array(repeating: nil, count: items.count)
    }

    /// The medium's position in the catalog, if the run has it.
    func slot(_ id: String) -> Int32? { slotOfID[id] }

    /// The medium with this id, if the run has it.
    func item(_ id: String) -> MediaItem? {
        slotOfID[id].map { items[Int($0)] }
    }

    /// The medium at a position `slot(_:)` gave.
    func item(atSlot slot: Int32) -> MediaItem { items[Int(slot)] }

    /// How the export placed the medium, if it has.
    func placement(_ id: String) -> PlacedMedium? {
        slotOfID[id].flatMap { placed[Int($0)] }
    }

    /// How the export placed the medium at this position, if it has.
    func placement(atSlot slot: Int32) -> PlacedMedium? { placed[Int(slot)] }

    func recordPlacement(_ medium: PlacedMedium) {
        if let slot = slotOfID[medium.id] { placed[Int(slot)] = medium }
    }

    func recordPlacement(_ medium: PlacedMedium, atSlot slot: Int32) { placed[Int(slot)] = medium }
}
