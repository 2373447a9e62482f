/// A path compared byte for byte.
///
/// Swift compares `String`s by canonical equivalence, so "café.jpg" spelled with a precomposed "é" (NFC, as Linux
/// and Windows keep names) equals the same name spelled with "e" and a combining accent (NFD, as macOS wrote it):
/// two different files of one folder would share a key and one of them would go missing. File systems compare
/// names by their bytes, and so does this key.
public struct ExactPath: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ path: String) {
        bytes = Array(path.utf8)
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
