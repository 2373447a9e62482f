/// Keeps a file's first row one with images. Mantis's `ChatDataset` reads `data[0]["images"][0]` to learn the
/// images' form, so a text-only record first (possible with `--media any`) stops training with an IndexError.
/// Text-only rows met before the first row with images are held back and written right after it; rows are
/// otherwise written as they come.
struct ImageRowFirst {
    private var held: [[UInt8]] = []
    private var seenImages = false

    /// Writes the row `body` makes to `output`, or holds it while no row with images has been written.
    mutating func add(hasImages: Bool, to output: some RecordFile, _ body: (inout [UInt8]) -> Void) throws {
        if seenImages {
            try output.append(body)
            return
        }
        guard hasImages else {
            var bytes: [UInt8] = []
            body(&bytes)
            held.append(bytes)
            return
        }
        seenImages = true
        try output.append(body)
        for bytes in held { try output.append { $0.append(contentsOf: bytes) } }
        held = []
    }

    /// Writes what is still held (a file without any row with images).
    mutating func finish(_ output: some RecordFile) throws {
        for bytes in held { try output.append { $0.append(contentsOf: bytes) } }
        held = []
    }
}
