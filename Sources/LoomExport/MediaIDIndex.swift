import Foundation

/// The export's media catalog's lookup from a medium's id to its slot, exact, and keyed by the id's UTF-8 bytes so
/// that ids read straight from the store need no `String`.
///
/// An open-addressing table whose places hold an id's 64-bit fingerprint, its slot and where its bytes are in one
/// shared buffer, to confirm a match. On a million-record export a dictionary of `String` keys missed the cache
/// twice per lookup (its buckets, then each key's own storage), and those lookups were a twentieth of the export's
/// time; here a lookup reads one place and one id.
struct MediaIDIndex {
    private struct Place {
        /// 0 marks an empty place.
        var fingerprint: UInt64 = 0
        var idStart = 0
        var idLength: Int32 = 0
        var slot: Int32 = -1
    }

    private var places: [Place]
    private let mask: Int
    /// The ids' bytes one after another.
    private var idBytes: [UInt8] = []

    /// Indexes `ids`, each at its position; an id given twice resolves to its last position.
    init<IDs: Collection<String>>(ids: IDs) {
        var capacity = 16
        while capacity < ids.count * 2 { capacity *= 2 }
        places = Array(repeating: Place(), count: capacity)
        mask = capacity - 1
        for (slot, id) in ids.enumerated() {
            var id = id
            id.withUTF8 { bytes in insert(bytes, slot: Int32(slot)) }
        }
    }

    /// The slot of the id with these UTF-8 bytes, if indexed.
    func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let fingerprint = Self.fingerprint(bytes)
        var position = Int(truncatingIfNeeded: fingerprint) & mask
        return places.withUnsafeBufferPointer { places in
            while true {
                let place = places[position]
                if place.fingerprint == 0 { return nil }
                if place.fingerprint == fingerprint && matches(bytes, place) { return place.slot }
                position = (position + 1) & mask
            }
        }
    }

    /// The slot of this id, if indexed.
    func slot(_ id: String) -> Int32? {
        var id = id
        return id.withUTF8 { slot($0) }
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

    /// FNV-1a over the bytes, then mixed so that the low bits (the table position) depend on all of them; never 0,
    /// which marks an empty place.
    private static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash == 0 ? 1 : hash
    }
}
