import Foundation

/// The export's media catalog's lookup from a medium's id to its slot, exact, and keyed by the id's UTF-8 bytes so
/// that ids read straight from the store need no `String`.
///
/// An open-addressing table of 64-bit fingerprints, with every id's bytes kept in one buffer to confirm a match: on
/// a million-record export a dictionary of `String` keys missed the cache twice per lookup (its buckets, then each
/// key's own storage), and those lookups were a twentieth of the export's time.
struct MediaIDIndex {
    private var fingerprints: [UInt64]
    private var slots: [Int32]
    private let mask: Int
    /// The ids' bytes one after another; id `slot` spans `idStarts[slot]..<idStarts[slot + 1]`.
    private var idBytes: [UInt8] = []
    private var idStarts: [Int] = [0]

    /// Indexes `ids`, each at its position; an id given twice resolves to its last position.
    init<IDs: Collection<String>>(ids: IDs) {
        var capacity = 16
        while capacity < ids.count * 2 { capacity *= 2 }
        fingerprints = Array(repeating: 0, count: capacity)
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        idStarts.reserveCapacity(ids.count + 1)
        for (slot, id) in ids.enumerated() {
            var id = id
            id.withUTF8 { bytes in
                idBytes.append(contentsOf: bytes)
                idStarts.append(idBytes.count)
                insert(bytes, slot: Int32(slot))
            }
        }
    }

    /// The slot of the id with these UTF-8 bytes, if indexed.
    func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let fingerprint = Self.fingerprint(bytes)
        var position = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let stored = fingerprints[position]
            if stored == 0 { return nil }
            if stored == fingerprint && matches(bytes, slot: slots[position]) { return slots[position] }
            position = (position + 1) & mask
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
        while fingerprints[position] != 0 {
            if fingerprints[position] == fingerprint && matches(bytes, slot: slots[position]) { break }
            position = (position + 1) & mask
        }
        fingerprints[position] = fingerprint
        slots[position] = slot
    }

    private func matches(_ bytes: UnsafeBufferPointer<UInt8>, slot: Int32) -> Bool {
        let start = idStarts[Int(slot)]
        let end = idStarts[Int(slot) + 1]
        guard end - start == bytes.count else { return false }
        return idBytes.withUnsafeBufferPointer { stored in
            bytes.count == 0 || memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
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
