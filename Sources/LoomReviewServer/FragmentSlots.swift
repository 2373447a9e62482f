/// Fills marked places of rendered HTML (`<!--loom:name-->` comments, which Mustache passes through as text)
/// with HTML rendered elsewhere. Text from records cannot fake a marker: its `<` is escaped when rendered.
enum FragmentSlots {
    /// `html` with each marker replaced by its content; markers are looked for in the given order, each once.
    /// A marker that is missing is skipped.
    static func fill(_ html: String, _ slots: [(marker: String, content: String)]) -> String {
        var html = html
        return html.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + slots.reduce(0) { $0 + $1.content.utf8.count })
            var position = 0
            for (marker, content) in slots {
                guard let found = find(marker, in: bytes, from: position) else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<found]))
                out.append(contentsOf: content.utf8)
                position = found + marker.utf8.count
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position...]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The offset of the first `marker` in `bytes` at or after `start`.
    private static func find(_ marker: String, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var marker = marker
        return marker.withUTF8 { needle -> Int? in
            guard let first = needle.first, needle.count <= bytes.count else { return nil }
            var index = start
            while index <= bytes.count - needle.count {
                if bytes[index] == first, UnsafeBufferPointer(rebasing: bytes[index..<index + needle.count]).elementsEqual(needle) {
                    return index
                }
                index += 1
            }
            return nil
        }
    }
}
