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
            hasher.update(data: Array(component.utf8))
            hasher.update(data: [0x1F])  // unit separator: ["ab","c"] and ["a","bc"] differ
        }
        return prefix + "-" + String(hasher.finalize().hexString.prefix(20))
    }

    /// A 64-bit seed derived from a base seed and names, for per-item random streams.
    public static func seed(_ base: UInt64, _ components: String...) -> UInt64 {
        var hasher = SHA256()
        withUnsafeBytes(of: base.littleEndian) { hasher.update(bufferPointer: $0) }
        for component in components {
            hasher.update(data: Array(component.utf8))
            hasher.update(data: [0x1F])
        }
        return hasher.finalize().withUnsafeBytes { raw in
            raw.loadUnaligned(as: UInt64.self).littleEndian
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal spelling of the bytes.
    public var hexString: String {
        var out = ""
        out.reserveCapacity(64)
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        out = String(decoding: bytes, as: UTF8.self)
        return out
    }
}

/// An incremental SHA-256 over a stream of strings, for content hashes of whole datasets.
public struct ContentHasher: Sendable {
    private var hasher = SHA256()

    public init() {}

    /// Adds one item; items are separated so that ["ab", "c"] and ["a", "bc"] hash differently.
    public mutating func add(_ text: String) {
        hasher.update(data: Array(text.utf8))
        hasher.update(data: [0x1E])
    }

    /// The hex digest of everything added.
    public func finalize() -> String {
        hasher.finalize().hexString
    }
}
