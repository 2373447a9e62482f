import Foundation

/// Standard base64 with padding, written into a byte buffer.
///
/// The output is sized once and filled through a pointer: appending byte by byte re-checks the array's uniqueness
/// and capacity for every character, which made encoding a 30 KB image the largest cost of a request.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends `data` base64-encoded.
    public static func append(_ data: Data, to out: inout [UInt8]) {
        data.withUnsafeBytes { bytes in append(bytes, to: &out) }
    }

    /// Appends `bytes` base64-encoded.
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let count = bytes.count
        guard count > 0, let source = bytes.baseAddress else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0x3D, count: (count + 2) / 3 * 4))  // "=": the padding stays
        out.withUnsafeMutableBufferPointer { buffer in
            alphabet.withUnsafeBufferPointer { table in
                let table = table.baseAddress!
                var output = buffer.baseAddress! + start
                var index = 0
                while index + 3 <= count {
                    let value =
                        UInt32(source.load(fromByteOffset: index, as: UInt8.self)) << 16
                        | UInt32(source.load(fromByteOffset: index + 1, as: UInt8.self)) << 8
                        | UInt32(source.load(fromByteOffset: index + 2, as: UInt8.self))
                    output[0] = table[Int(value >> 18)]
                    output[1] = table[Int(value >> 12 & 63)]
                    output[2] = table[Int(value >> 6 & 63)]
                    output[3] = table[Int(value & 63)]
                    output += 4
                    index += 3
                }
                let rest = count - index
                if rest > 0 {
                    var value = UInt32(source.load(fromByteOffset: index, as: UInt8.self)) << 16
                    if rest == 2 { value |= UInt32(source.load(fromByteOffset: index + 1, as: UInt8.self)) << 8 }
                    output[0] = table[Int(value >> 18)]
                    output[1] = table[Int(value >> 12 & 63)]
                    if rest == 2 { output[2] = table[Int(value >> 6 & 63)] }
                }
            }
        }
    }
}

extension Base64 {
    /// Appends `bytes` base64-encoded.
    public static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBytes { append($0, to: &out) }
    }
}
