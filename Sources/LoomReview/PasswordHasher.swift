import CryptoExtras
import Foundation

/// Salted scrypt password hashes (memory-hard: each guess costs `128 · r · N` bytes and as much time).
///
/// A stored hash reads `scrypt$<log2 N>$<r>$<p>$<salt, base64>$<key, base64>`, so the cost can be raised later
/// without breaking existing accounts: each hash is checked with its own parameters.
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N.
    public var logRounds: Int
    public var blockSize: Int
    public var parallelism: Int

    /// The default cost: N = 2^15, r = 8 (32 MiB and about a tenth of a second per hash on one core).
    public init(logRounds: Int = 15, blockSize: Int = 8, parallelism: Int = 1) {
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// The shortest password accepted for a new account.
    public static let minimumLength = 8

    /// A new hash of `password` with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = try Self.derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return ["scrypt", String(logRounds), String(blockSize), String(parallelism), Data(salt).base64EncodedString(), Data(key).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `password` matches `stored`; false for a malformed stored hash.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let logRounds = Int(parts[1]), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), (1...24).contains(logRounds), let salt = Data(base64Encoded: parts[4]).map(Array.init),
            let expected = Data(base64Encoded: parts[5]).map(Array.init),
            let key = try? derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism),
            key.count == expected.count
        else { return false }
        return constantTimeEqual(key, expected)
    }

    /// Whether two byte strings are equal, in a time that does not depend on where they first differ (for
    /// secrets: hashes, tokens).
    public static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        // Over contiguous bytes where both have them (strings, arrays): every request compares a token.
        if let equal = a.withContiguousStorageIfAvailable({ a in
            b.withContiguousStorageIfAvailable { b in
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }), let equal {
            return equal
        }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    private static func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
