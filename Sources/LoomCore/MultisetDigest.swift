import Crypto

/// An order-independent digest of a collection of texts: the SHA-256 of each item, added up as four 64-bit lanes
/// (wrapping), and the number of items.
///
/// The same items give the same digest in any order, so a table can be digested in the order its rows lie on
/// disk instead of in key order: a store's rows are written in whatever order the work finished, and reading them
/// in key order jumps between pages, which cost more than the hashing. Meant to tell apart datasets that differ,
/// not to withstand inputs crafted to collide.
public struct MultisetDigest: Sendable, Equatable {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// How many items were added.
    public private(set) var count = 0

    public init() {}

    /// Adds one item given as its UTF-8 bytes.
    public mutating func add(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        add(SHA256.hash(data: UnsafeRawBufferPointer(bytes)))
    }

    /// Adds one item made of several texts (the columns of a row), nil for a missing one. Each part is hashed
    /// after its length (or a marker for nil), so that no two different lists of parts hash alike by running
    /// together.
    public mutating func add(parts: [UnsafeBufferPointer<UInt8>?]) {
        // Laid out in one buffer and hashed at once: a hash update per part cost more than the hashing.
        let total = parts.reduce(0) { $0 + 8 + ($1?.count ?? 0) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { buffer in
            var offset = 0
            for part in parts {
                let length = part.map { UInt64($0.count) } ?? UInt64.max
                withUnsafeBytes(of: length.littleEndian) { bytes in
                    for byte in bytes {
                        buffer[offset] = byte
                        offset += 1
                    }
                }
                if let part, let base = part.baseAddress, !part.isEmpty {
                    (buffer.baseAddress! + offset).update(from: base, count: part.count)
                    offset += part.count
                }
            }
            add(SHA256.hash(data: UnsafeRawBufferPointer(buffer)))
        }
    }

    private mutating func add(_ digest: SHA256.Digest) {
        digest.withUnsafeBytes { raw in
            lanes.0 &+= raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian
            lanes.1 &+= raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
            lanes.2 &+= raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
            lanes.3 &+= raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian
        }
        count += 1
    }

    /// Adds one item.
    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(utf8: $0) }
    }

    /// The count and the four lanes in hex: `"3:…"`.
    public var summary: String {
        let hex = [lanes.0, lanes.1, lanes.2, lanes.3].map { String($0, radix: 16) }
        return "\(count):" + hex.joined(separator: ".")
    }

    public static func == (lhs: MultisetDigest, rhs: MultisetDigest) -> Bool {
        lhs.count == rhs.count && lhs.lanes == rhs.lanes
    }
}
