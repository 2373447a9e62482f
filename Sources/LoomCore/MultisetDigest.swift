import CXXHash

/// An order-independent digest of a collection of texts: a 256-bit hash of each item (XXH3-128 under two seeds),
/// added up as four 64-bit lanes (wrapping), and the number of items.
///
/// The same items give the same digest in any order, so a table can be digested in the order its rows lie on
/// disk instead of in key order: a store's rows are written in whatever order the work finished, and reading them
/// in key order jumps between pages, which cost more than the hashing. Items can also be taken away again
/// (`remove`), so a store keeps running digests as it writes (`RunStore`'s content digests).
///
/// Meant to tell apart datasets that differ, not to withstand inputs crafted to collide. XXH3 (libxxhash) rather
/// than SHA-256: every row a run writes is hashed once, on the thread that makes it, and SHA-256 cost more CPU
/// time there than reading the rows back had saved.
public struct MultisetDigest: Sendable, Equatable {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// How many items were added.
    public private(set) var count = 0

    public init() {}

    /// One item's hash as four lanes: what `add` adds and `remove` takes away. Stores compute it where an item
    /// is made and keep running digests (`RunStore`'s content digests) instead of reading every item again.
    public struct Item: Sendable, Equatable {
        fileprivate var lanes: (UInt64, UInt64, UInt64, UInt64)

        public static func == (lhs: Item, rhs: Item) -> Bool { lhs.lanes == rhs.lanes }

        /// The seeds of the item's two XXH3-128 hashes (the second, 2^64 divided by the golden ratio).
        private static let seeds: (UInt64, UInt64) = (0, 0x9E37_79B9_7F4A_7C15)

        /// The item given as its UTF-8 bytes.
        public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
            self.init(UnsafeRawBufferPointer(bytes))
        }

        private init(_ bytes: UnsafeRawBufferPointer) {
            let first = XXH3_128bits_withSeed(bytes.baseAddress, bytes.count, Self.seeds.0)
            let second = XXH3_128bits_withSeed(bytes.baseAddress, bytes.count, Self.seeds.1)
            lanes = (first.low64, first.high64, second.low64, second.high64)
        }

        /// The item made of several texts (the columns of a row), nil for a missing one. Each part is hashed
        /// after its length (or a marker for nil), so that no two different lists of parts hash alike by running
        /// together.
        public init(parts: [UnsafeBufferPointer<UInt8>?]) {
            // Laid out in one buffer and hashed at once: a hash update per part cost more than the hashing.
            let total = parts.reduce(0) { $0 + 8 + ($1?.count ?? 0) }
            self = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { buffer in
                var offset = 0
                for part in parts {
                    Self.writeLength(part.map { $0.count }, to: buffer, at: &offset)
                    if let part, let base = part.baseAddress, !part.isEmpty {
                        (buffer.baseAddress! + offset).update(from: base, count: part.count)
                        offset += part.count
                    }
                }
                return Item(UnsafeRawBufferPointer(start: buffer.baseAddress, count: offset))
            }
        }

        /// The item that is one text: the same as `init(utf8:)` of its UTF-8 bytes.
        public init(text: String) {
            var text = text
            self = text.withUTF8 { Item(utf8: $0) }
        }

        /// The item made of these texts, nil for a missing one: the same as `init(parts:)` of their UTF-8 bytes.
        public init(texts: [String?]) {
            // Laid out on the stack rather than in an array: a record's nine columns went through an array's
            // growth checks and a heap buffer on every row a run stores.
            let total = texts.reduce(0) { $0 + 8 + ($1?.utf8.count ?? 0) }
            self = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { buffer in
                var offset = 0
                for text in texts {
                    Self.writeLength(text.map { $0.utf8.count }, to: buffer, at: &offset)
                    if let text {
                        offset += UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(from: text.utf8).1
                    }
                }
                return Item(UnsafeRawBufferPointer(start: buffer.baseAddress, count: offset))
            }
        }

        /// Writes a part's length (all ones for a missing part) as 8 little-endian bytes at `offset`, and moves
        /// `offset` past them: the prefix that keeps two different lists of parts from hashing alike.
        private static func writeLength(_ length: Int?, to buffer: UnsafeMutableBufferPointer<UInt8>, at offset: inout Int) {
            let prefix = length.map { UInt64($0) } ?? UInt64.max
            UnsafeMutableRawPointer(buffer.baseAddress! + offset).storeBytes(of: prefix.littleEndian, as: UInt64.self)
            offset += 8
        }
    }

    /// Adds one item given as its UTF-8 bytes.
    public mutating func add(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        add(Item(utf8: bytes))
    }

    /// Adds one item made of several texts (the columns of a row), nil for a missing one (`Item.init(parts:)`).
    public mutating func add(parts: [UnsafeBufferPointer<UInt8>?]) {
        add(Item(parts: parts))
    }

    /// Adds one item.
    public mutating func add(_ item: Item) {
        lanes.0 &+= item.lanes.0
        lanes.1 &+= item.lanes.1
        lanes.2 &+= item.lanes.2
        lanes.3 &+= item.lanes.3
        count += 1
    }

    /// Takes away one item added before (the digest is then that of the items without it).
    public mutating func remove(_ item: Item) {
        lanes.0 &-= item.lanes.0
        lanes.1 &-= item.lanes.1
        lanes.2 &-= item.lanes.2
        lanes.3 &-= item.lanes.3
        count -= 1
    }

    /// Adds every item of another digest.
    public mutating func add(_ other: MultisetDigest) {
        lanes.0 &+= other.lanes.0
        lanes.1 &+= other.lanes.1
        lanes.2 &+= other.lanes.2
        lanes.3 &+= other.lanes.3
        count += other.count
    }

    /// Adds one item.
    public mutating func add(_ text: String) {
        add(Item(text: text))
    }

    /// The count and the four lanes in hex: `"3:…"`.
    public var summary: String {
        let hex = [lanes.0, lanes.1, lanes.2, lanes.3].map { String($0, radix: 16) }
        return "\(count):" + hex.joined(separator: ".")
    }

    /// The digest a `summary` spells; nil for anything else.
    public init?(summary: String) {
        let halves = summary.split(separator: ":", omittingEmptySubsequences: false)
        guard halves.count == 2, let count = Int(halves[0]), count >= 0 else { return nil }
        let hex = halves[1].split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt64($0, radix: 16) }
        guard hex.count == 4 else { return nil }
        self.count = count
        lanes = (hex[0], hex[1], hex[2], hex[3])
    }

    /// Whether no item is in it: nothing added, or everything added taken away again.
    public var isEmpty: Bool { count == 0 && lanes == (0, 0, 0, 0) }

    public static func == (lhs: MultisetDigest, rhs: MultisetDigest) -> Bool {
        lhs.count == rhs.count && lhs.lanes == rhs.lanes
    }
}
