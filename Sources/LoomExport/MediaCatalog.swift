import LoomCore
import LoomStore

/// Every medium of the run, read from the store in one pass: exports look media up for every record they write,
/// and one SQL lookup per reference cost more than all the rest of an export.
///
/// Memory grows with the number of media (their ids, stored and exported paths), not records.
final class MediaCatalog {
    private var slotOfID: [String: Int32] = [:]
    private var items: [MediaItem] = []
    /// How each medium was placed in the export, once it is.
    private var placed: [PlacedMedium?] = []

    init(store: RunStore) throws {
        try store.forEachMediaItem { item in
            slotOfID[item.id] = Int32(items.count)
            items.append(item)
        }
        placed = Array(repeating: nil, count: items.count)
    }

    /// The medium with this id, if the run has it.
    func item(_ id: String) -> MediaItem? {
        slotOfID[id].map { items[Int($0)] }
    }

    /// How the export placed the medium, if it has.
    func placement(_ id: String) -> PlacedMedium? {
        slotOfID[id].flatMap { placed[Int($0)] }
    }

    func recordPlacement(_ medium: PlacedMedium) {
        if let slot = slotOfID[medium.id] { placed[Int(slot)] = medium }
    }
}
