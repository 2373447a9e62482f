/// The strings of a column with few distinct values (types, domains, languages), each made once and then shared:
/// a scan of a million rows would otherwise allocate a million copies of "attribute_recognition".
///
/// Short values need no cache (Swift keeps up to 15 UTF-8 bytes inside the string itself), and past
/// `capacity` distinct values new ones are no longer kept, so a column that is not repetitive costs a few
/// comparisons per row and no memory.
struct RepeatedText {
    private static let capacity = 64
    private var known: [(bytes: [UInt8], text: String)] = []

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count <= 15 { return String(decoding: bytes, as: UTF8.self) }
        for entry in known where entry.bytes.count == bytes.count && entry.bytes.elementsEqual(bytes) {
            return entry.text
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if known.count < Self.capacity { known.append((Array(bytes), text)) }
        return text
    }
}
