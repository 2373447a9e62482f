import Foundation

/// The export's media catalog's lookup from a medium's id to its slot, exact, and keyed by the id's UTF-8 bytes so
/// that ids read straight from the store need no `String`.
///
/// Two open-addressing tables. Ids that fit in 32 bytes (`InlineMediaID`: SHA-256 digests in hex, how media are
/// named by content, and short ids) are kept whole in their place, so a lookup reads one place and nothing else.
/// Other ids are kept as a 64-bit fingerprint, their slot and where their bytes are in one shared buffer, to confirm a
/// match. On a million-record export a dictionary of `String` keys missed the cache twice per lookup (its buckets,
/// then each key's own storage), and those lookups were a twentieth of the export's time.
struct MediaIDIndex {
    private struct InlinePlace {
        var id: InlineMediaID
        /// -1 marks an empty place.
        var slot: Int32
    }

    private struct Place {
        /// 0 marks an empty place.
        var fingerprint: UInt64 = 0
        var idStart = 0
        var idLength: Int32 = 0
        var slot: Int32 = -1
    }

    private let inlinePlaces: HugePageArray<InlinePlace>
    private let inlineMask: Int
    private let places: HugePageArray<Place>
    private let mask: Int
    /// The ids' bytes one after another.
    private var idBytes: [UInt8] = []

    /// Indexes `ids`, each at its position; an id given twice resolves to its last position.
    init<IDs: Collection<String>>(ids: IDs) {
        let inlineCount = ids.count { id in
            var id = id
            return id.withUTF8 { InlineMediaID($0) != nil }
        }
        let inlineCapacity = Self.capacity(for: inlineCount)
        inlinePlaces = HugePageArray(repeating: InlinePlace(id: InlineMediaID.empty, slot: -1), count: inlineCapacity)
        inlineMask = inlineCapacity - 1
        let capacity = Self.capacity(for: ids.count - inlineCount)
        places = HugePageArray(repeating: Place(), count: capacity)
        mask = capacity - 1
        for (slot, id) in ids.enumerated() {
            var id = id
            id.withUTF8 { bytes in
                if let inline = InlineMediaID(bytes) { insert(inline, slot: Int32(slot)) } else { insert(bytes, slot: Int32(slot)) }
            }
        }
    }

    /// A power of two at least twice `count`: places half empty keep probe runs short.
    private static func capacity(for count: Int) -> Int {
        var capacity = 16
        while capacity < count * 2 { capacity *= 2 }
        return capacity
    }

    /// The slot of the id with these UTF-8 bytes, if indexed.
    func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        if let inline = InlineMediaID(bytes) { return slot(inline, from: firstPlace(inline)) }
        let fingerprint = Self.fingerprint(bytes)
        var position = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let place = places[position]
            if place.fingerprint == 0 { return nil }
            if place.fingerprint == fingerprint && matches(bytes, place) { return place.slot }
            position = (position + 1) & mask
        }
    }

    /// The slot of this id, if indexed.
    func slot(_ id: String) -> Int32? {
        var id = id
        return id.withUTF8 { slot($0) }
    }

    /// Where the search for an id starts: its key and first place, when the id is kept inline (nil otherwise, and
    /// `slot(_:)` finds it).
    func start(_ id: String) -> (key: InlineMediaID, place: Int)? {
        var id = id
        return id.withUTF8 { bytes in InlineMediaID(bytes).map { ($0, firstPlace($0)) } }
    }

    private func firstPlace(_ id: InlineMediaID) -> Int { Int(truncatingIfNeeded: id.spreadHash) & inlineMask }

    /// Reads the places at these positions, all of them before any is needed: the reads do not depend on one
    /// another, and the loop is short, so the processor has many cache misses under way at once, where lookups made
    /// one by one (each waiting for the last) have one. Returns a value made from what was read, so that the reads
    /// are not left out; it means nothing.
    func touch(_ places: UnsafeBufferPointer<Int>) -> Int32 {
        var sinks: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        var index = 0
        // Four sums, so that no add waits for the one before it.
        while index + 4 <= places.count {
            sinks.0 &+= inlinePlaces[places[index]].slot
            sinks.1 &+= inlinePlaces[places[index + 1]].slot
            sinks.2 &+= inlinePlaces[places[index + 2]].slot
            sinks.3 &+= inlinePlaces[places[index + 3]].slot
            index += 4
        }
        while index < places.count {
            sinks.0 &+= inlinePlaces[places[index]].slot
            index += 1
        }
        return sinks.0 &+ sinks.1 &+ sinks.2 &+ sinks.3
    }

    /// The slot of an inline id whose search starts at `place` (as `start(_:)` gave).
    func slot(_ key: InlineMediaID, from place: Int) -> Int32? {
        var position = place
        while true {
            let place = inlinePlaces[position]
            if place.slot < 0 { return nil }
            if place.id == key { return place.slot }
            position = (position + 1) & inlineMask
        }
    }

    private func insert(_ id: InlineMediaID, slot: Int32) {
        var position = firstPlace(id)
        while inlinePlaces[position].slot >= 0 {
            if inlinePlaces[position].id == id {
                inlinePlaces[position].slot = slot
                return
            }
            position = (position + 1) & inlineMask
        }
        inlinePlaces[position] = InlinePlace(id: id, slot: slot)
    }

    private mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, slot: Int32) {
        let fingerprint = Self.fingerprint(bytes)
        var position = Int(truncatingIfNeeded: fingerprint) & mask
        while places[position].fingerprint != 0 {
            if places[position].fingerprint == fingerprint && matches(bytes, places[position]) {
                places[position].slot = slot
                return
            }
            position = (position + 1) & mask
        }
        places[position] = Place(fingerprint: fingerprint, idStart: idBytes.count, idLength: Int32(bytes.count), slot: slot)
        idBytes.append(contentsOf: bytes)
    }

    private func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ place: Place) -> Bool {
        guard Int(place.idLength) == bytes.count else { return false }
        return idBytes.withUnsafeBufferPointer { stored in
            bytes.count == 0 || memcmp(stored.baseAddress! + place.idStart, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// A multiply-rotate hash over the bytes eight at a time, then mixed (MurmurHash3's finalizer) so that the low
    /// bits (the table position) depend on all of them; never 0, which marks an empty place. Byte-at-a-time FNV-1a
    /// over 64-character ids was most of a lookup's time.
    private static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(count) &* 0xC2B2_AE3D_27D4_EB4F)
        guard let base = bytes.baseAddress.map(UnsafeRawPointer.init) else { return hash == 0 ? 1 : hash }
        var offset = 0
        while offset + 8 <= count {
            hash = Self.mix(hash, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            for index in offset..<count { tail |= UInt64(bytes[index]) << (8 * UInt64(index - offset)) }
            hash = Self.mix(hash, tail)
        }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash == 0 ? 1 : hash
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let scrambled = word &* 0x87C3_7B91_1142_53D5
        let rotated = (scrambled << 31) | (scrambled >> 33)
        let combined = hash ^ (rotated &* 0x4CF5_AD43_2745_937F)
        return ((combined << 27) | (combined >> 37)) &* 5 &+ 0x52DC_E729
    }
}
