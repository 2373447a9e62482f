/// Where JSON writing puts its bytes: a byte array, or the store's JSON builder, which writes through a pointer.
/// JSON's string escaping is written once, for both.
public protocol JSONByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: JSONByteSink where Element == UInt8 {}
