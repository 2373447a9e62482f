import LoomCore
import LoomStore

/// Every medium of the run, read from the store in one pass: exports look media up for every record they write,
/// and one SQL lookup per reference cost more than all the rest of an export.
///
/// Memory grows with the number of media (their ids, stored and exported paths), not records.
///
/// Unchecked `Sendable`: `index` and `items` never change after `init`, what has been placed is touched only by
/// the export's writing thread, and `resolveSlots`'s scratch only by its reading thread.
final class MediaCatalog: @unchecked Sendable {
    /// Never changed after `init`, so the export's reading thread may look slots up while the writing thread
    /// places media (what has been placed is the writing thread's alone).
    private let index: MediaIDIndex
    private var items: [MediaItem]
    /// Each placed medium's path as a quoted JSON string, ready to copy into a record: the bytes of all of them
    /// one after another, and per slot where its own start (high 32 bits) and length (low 32 bits), 0 until placed.
    /// Copying these saved the writing thread a `PlacedMedium` copy, a path array and the quoting, per image.
    private var quotedPathBytes: [UInt8] = []
    private var quotedPathSpans: [UInt64]

    init(store: RunStore) throws {
        var items: [MediaItem] = []
        try store.forEachMediaItem { item in items.append(item) }
        index = MediaIDIndex(ids: items.lazy.map(\.id))
        self.items = items
        quotedPathSpans = Array(repeating: 0, count: items.count)
    }

    /// How many media the run has (slots are 0..<count).
    var count: Int { items.count }

    /// The medium's position in the catalog, if the run has it.
    func slot(_ id: String) -> Int32? { index.slot(id) }

    /// Sets each row's `catalogSlots` to its media's slots, when the run has all of them (nil otherwise).
    ///
    /// A batch at a time, so that the table reads of all its rows are under way together (`MediaIDIndex.touch`):
    /// one at a time, these lookups were the biggest cost of reading a million-record export, nearly all of it
    /// waiting for memory. Called by the export's reading thread only.
    func resolveSlots(of rows: inout [ExportRow]) {
        starts.removeAll(keepingCapacity: true)
        places.removeAll(keepingCapacity: true)
        for row in rows.indices {
            for id in rows[row].media {
                let start = index.start(id)
                starts.append(start)
                if let start { places.append(start.place) }
            }
        }
        touchSink = places.withUnsafeBufferPointer { index.touch($0) }
        var next = 0
        for row in rows.indices {
            var slots: [Int32]? = []
            slots!.reserveCapacity(rows[row].media.count)
            for id in rows[row].media {
                let start = starts[next]
                next += 1
                // An inline id not found is not in the run: only ids kept apart are looked up by their bytes.
                let found = if let start { index.slot(start.key, from: start.place) } else { index.slot(id) }
                guard let slot = found else {
                    slots = nil
                    continue
                }
                slots?.append(slot)
            }
            rows[row].catalogSlots = slots
        }
    }

    // The reading thread's own, for `resolveSlots`: each medium's search start, the places to read ahead, and what
    // the reading ahead returned (kept so that its reads are made).
    private var starts: [(key: InlineMediaID, place: Int)?] = []
    private var places: [Int] = []
    private var touchSink: Int32 = 0

    /// Carries `item` in place of the medium with its id (a normalized copy of a video), before anything is placed.
    func substitute(_ item: MediaItem) {
        guard let slot = index.slot(item.id) else { return }
        items[Int(slot)] = item
    }

    /// The medium with this id, if the run has it.
    func item(_ id: String) -> MediaItem? {
        index.slot(id).map { items[Int($0)] }
    }

    /// The medium at a position `slot(_:)` gave.
    func item(atSlot slot: Int32) -> MediaItem { items[Int(slot)] }

    /// Whether the medium at this position is placed (the placer knows how from the medium and its options).
    func isPlaced(atSlot slot: Int32) -> Bool { quotedPathSpans[Int(slot)] != 0 }

    /// Appends the placed medium's path as a quoted JSON string.
    func appendQuotedPath(atSlot slot: Int32, to out: inout [UInt8]) {
        let span = quotedPathSpans[Int(slot)]
        let start = Int(span >> 32)
        quotedPathBytes.withUnsafeBufferPointer { bytes in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(start + Int(span & 0xFFFF_FFFF))]))
        }
    }

    func recordPlacement(_ medium: PlacedMedium) {
        if let slot = index.slot(medium.id) { recordPlacement(medium, atSlot: slot) }
    }

    func recordPlacement(_ medium: PlacedMedium, atSlot slot: Int32) {
        let start = quotedPathBytes.count
        JSONText.appendQuoted(medium.path, to: &quotedPathBytes)
        quotedPathSpans[Int(slot)] = UInt64(start) << 32 | UInt64(quotedPathBytes.count - start)
    }
}
