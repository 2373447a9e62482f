import Crypto
import Foundation

/// Deterministic identifiers: content hashes for media, derived hashes for everything a recipe makes.
///
/// The same recipe and seed always give the same ids, whatever order the work ran in or how often it was
/// interrupted, because an id depends only on the names of the things it is derived from.
public enum StableID {
    /// Lower-case hex SHA-256 of `bytes`: the content address of a media file.
    public static func sha256Hex<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        SHA256.hash(data: bytes).hexString
    }

    /// A short id with a readable prefix, derived from the given components (`smp-1f3a…`, `rec-9c0d…`).
    /// Lower-case hex SHA-256 of a file's bytes, read in 1 MiB pieces (videos are too large to hold).
    public static func sha256Hex(fileAt path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexString
    }

    public static func derive(_ prefix: String, _ components: String...) -> String {
        derive(prefix, components)
    }

    /// A short id with a readable prefix, derived from the given components.
    public static func derive(_ prefix: String, _ components: [String]) -> String {
        var hasher = SHA256()
        for component in components {
            hasher.add(component)
            hasher.addSeparator(0x1F)  // ["ab","c"] and ["a","bc"] differ
        }
        return spell(prefix, hasher.finalize())
    }

    /// `derive(prefix, first, second)` without gathering the two into an array: every record's id is derived
    /// this way, from its sample's id and its slot.
    public static func derive(_ prefix: String, _ first: String, _ second: String) -> String {
        // The same bytes as `derive(prefix, [first, second])`, hashed in one call: each incremental update
        // cost more than hashing these few bytes.
        var first = first, second = second
        return first.withUTF8 { first in
            second.withUTF8 { second in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: first.count + second.count + 2) { buffer in
                    var index = 0
                    func append(_ part: UnsafeBufferPointer<UInt8>) {
                        if let base = part.baseAddress, !part.isEmpty {
                            (buffer.baseAddress! + index).update(from: base, count: part.count)
                            index += part.count
                        }
                        buffer[index] = 0x1F
                        index += 1
                    }
                    append(first)
                    append(second)
                    return spell(prefix, SHA256.hash(data: UnsafeRawBufferPointer(buffer)))
                }
            }
        }
    }

    /// "prefix-" and the first 10 bytes of the digest in hex.
    private static func spell(_ prefix: String, _ digest: SHA256.Digest) -> String {
        // 20 hex digits: the first 10 bytes of the digest.
        return digest.withUnsafeBytes { digest in
            String(unsafeUninitializedCapacity: prefix.utf8.count + 21) { out in
                var index = 0
                for byte in prefix.utf8 {
                    out[index] = byte
                    index += 1
                }
                out[index] = 0x2D  // "-"
                index += 1
                return index + writeHex(UnsafeRawBufferPointer(rebasing: digest.prefix(10)), into: UnsafeMutableBufferPointer(rebasing: out[index...]))
            }
        }
    }


    /// A 64-bit seed derived from a base seed and names, for per-item random streams.
    public static func seed(_ base: UInt64, _ components: String...) -> UInt64 {
        var hasher = SHA256()
        withUnsafeBytes(of: base.littleEndian) { hasher.update(bufferPointer: $0) }
        for component in components {
            hasher.add(component)
            hasher.addSeparator(0x1F)
        }
        return hasher.finalize().withUnsafeBytes { raw in
            raw.loadUnaligned(as: UInt64.self).littleEndian
        }
    }
}

/// Writes the lower-case hex spelling of `bytes` into `out` (which holds at least twice as many bytes); returns
/// how many it wrote.
@inline(__always)
private func writeHex(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
    var index = 0
    for byte in bytes {
        out[index] = hexDigit(byte >> 4)
        out[index + 1] = hexDigit(byte & 0x0F)
        index += 2
    }
    return index
}

@inline(__always)
private func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

extension SHA256Digest {
    /// Lower-case hexadecimal spelling of the digest, written straight into the string's storage (ids are derived
    /// for every record a run makes).
    public var hexString: String {
        withUnsafeBytes { digest in
            String(unsafeUninitializedCapacity: digest.count * 2) { writeHex(digest, into: $0) }
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal spelling of the bytes.
    public var hexString: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(hexDigit(byte >> 4))
            bytes.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SHA256 {
    /// Adds a string's UTF-8 bytes without copying them into an array first.
    @inline(__always)
    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    mutating func addSeparator(_ byte: UInt8) {
        withUnsafeBytes(of: byte) { update(bufferPointer: $0) }
    }
}

/// An incremental SHA-256 over a stream of strings, for content hashes of whole datasets.
public struct ContentHasher: Sendable {
    private var hasher = SHA256()

    public init() {}

    /// Adds one item; items are separated so that ["ab", "c"] and ["a", "bc"] hash differently.
    public mutating func add(_ text: String) {
        hasher.add(text)
        hasher.addSeparator(0x1E)
    }

    /// Adds one item given as its UTF-8 bytes; the same as adding the string they spell.
    public mutating func add(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        hasher.addSeparator(0x1E)
    }

    /// The hex digest of everything added.
    public func finalize() -> String {
        hasher.finalize().hexString
    }
}
