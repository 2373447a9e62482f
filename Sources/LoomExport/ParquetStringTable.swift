import Foundation
import LoomCore

/// A Parquet file of string columns, written a row at a time: the images table Otter reads (`P.parquet`).
///
/// It keeps to what every Parquet reader takes: required UTF-8 byte-array columns, PLAIN-encoded version-1 data
/// pages of about `pageBytes`, no compression (base64 of already-compressed images gains next to nothing from
/// it) and no statistics. A row group's column chunks follow one another in the file, so only the first column
/// can go to the file as its pages fill; the others wait in memory until the row group ends at `rowGroupBytes`.
/// Put the big column first (the images' base64) and the small ones after (their ids): memory then stays at a
/// page plus the small columns of one row group, whatever the table's size. The footer carries the schema, where
/// each row group's columns are, and the key-value metadata given (pandas' description of the index, for one).
///
/// No Parquet library is packaged for Debian (Apache Arrow is not in it) and no Swift package on the machine
/// writes Parquet; this narrow writer is the whole of what the export needs.
final class ParquetStringTable {
    private struct ColumnBuffer {
        let name: String
        /// PLAIN-encoded values (a 4-byte little-endian length, then the bytes) of the open row group.
        var values: [UInt8] = []
        /// Where each closed page ends in `values`, and how many values it holds.
        var pages: [(end: Int, count: Int)] = []
        var valuesInOpenPage = 0

        var openPageStart: Int { pages.last?.end ?? 0 }
    }

    private struct ChunkPlacement {
        var dataPageOffset: Int64
        var bytes: Int64
        var values: Int64
    }

    private struct RowGroupPlacement {
        var chunks: [ChunkPlacement]
        var rows: Int64
    }

    /// Parquet's enumerations as the format numbers them.
    private enum Code {
        static let byteArray: Int32 = 6
        static let required: Int32 = 0
        static let utf8: Int32 = 0
        static let plain: Int32 = 0
        static let rle: Int32 = 3
        static let uncompressed: Int32 = 0
        static let dataPage: Int32 = 0
    }

    private static let magic: [UInt8] = Array("PAR1".utf8)

    let url: URL
    private let file: ExportFile
    private let metadata: [(key: String, value: String)]
    private let rowGroupBytes: Int
    private let pageBytes: Int
    private var columns: [ColumnBuffer]
    private var rowGroups: [RowGroupPlacement] = []
    private var rowsInGroup = 0
    /// The first column's pages of the open row group, already in the file.
    private var streamed = ChunkPlacement(dataPageOffset: Int64(magic.count), bytes: 0, values: 0)
    private var offset = Int64(magic.count)

    /// Starts the file at `url` (written beside it and moved into place by `finish`).
    init(
        url: URL, columns: [String], metadata: [(key: String, value: String)], rowGroupBytes: Int = 64 << 20,
        pageBytes: Int = 1 << 20
    ) throws {
        self.url = url
        file = try ExportFile(url: url)
        self.metadata = metadata
        self.rowGroupBytes = rowGroupBytes
        self.pageBytes = pageBytes
        self.columns = columns.map { ColumnBuffer(name: $0) }
        try file.write { $0.append(contentsOf: Self.magic) }
    }

    /// Appends one row: `writeValue(i, &out)` appends column `i`'s value, UTF-8, to `out`.
    func appendRow(_ writeValue: (_ column: Int, _ out: inout [UInt8]) throws -> Void) throws {
        var buffered = Int(streamed.bytes)
        for index in columns.indices {
            let start = columns[index].values.count
            columns[index].values.append(contentsOf: [0, 0, 0, 0])
            try writeValue(index, &columns[index].values)
            let length = columns[index].values.count - start - 4
            // A page closes after the value that fills it, so it holds up to a page and a value: both must fit the
            // header's 32-bit sizes.
            guard length <= Int(Int32.max) - pageBytes - 64 else {
                throw LoomError(.export, "a value of column \(columns[index].name) is over 2 GiB, more than a Parquet page holds", subject: url.path)
            }
            withUnsafeBytes(of: UInt32(length).littleEndian) { length in
                columns[index].values.replaceSubrange(start..<start + 4, with: length)
            }
            columns[index].valuesInOpenPage += 1
            if columns[index].values.count - columns[index].openPageStart >= pageBytes {
                closePage(index)
                if index == 0 { try writeStreamedPages() }
            }
            buffered += columns[index].values.count
        }
        rowsInGroup += 1
        if buffered >= rowGroupBytes { try writeRowGroup() }
    }

    /// Writes the last row group and the footer, and moves the file into place.
    func finish() throws {
        if rowsInGroup > 0 { try writeRowGroup() }
        var footer = ThriftCompactWriter()
        writeFileMetaData(into: &footer)
        let length = UInt32(footer.bytes.count).littleEndian
        try file.write { out in
            out.append(contentsOf: footer.bytes)
            withUnsafeBytes(of: length) { out.append(contentsOf: $0) }
            out.append(contentsOf: Self.magic)
        }
        try file.finish()
    }

    /// Closes and deletes the partial file.
    func abandon() {
        file.abandon()
    }

    private func closePage(_ index: Int) {
        guard columns[index].valuesInOpenPage > 0 else { return }
        columns[index].pages.append((columns[index].values.count, columns[index].valuesInOpenPage))
        columns[index].valuesInOpenPage = 0
    }

    /// Writes the first column's closed pages, which are the next thing in the file.
    private func writeStreamedPages() throws {
        let written = try writePages(of: 0)
        streamed.bytes += written.bytes
        streamed.values += written.values
    }

    /// Ends the row group: the first column's last page, then each other column's pages in turn.
    private func writeRowGroup() throws {
        closePage(0)
        try writeStreamedPages()
        var chunks = [streamed]
        for index in columns.indices.dropFirst() {
            closePage(index)
            var chunk = ChunkPlacement(dataPageOffset: offset, bytes: 0, values: 0)
            (chunk.bytes, chunk.values) = try writePages(of: index)
            chunks.append(chunk)
        }
        rowGroups.append(RowGroupPlacement(chunks: chunks, rows: Int64(rowsInGroup)))
        rowsInGroup = 0
        streamed = ChunkPlacement(dataPageOffset: offset, bytes: 0, values: 0)
    }

    /// Writes column `index`'s closed pages, each behind its header, and lets go of them.
    private func writePages(of index: Int) throws -> (bytes: Int64, values: Int64) {
        var bytes: Int64 = 0
        var values: Int64 = 0
        var start = 0
        for page in columns[index].pages {
            var header = ThriftCompactWriter()
            header.i32(1, Code.dataPage)
            header.i32(2, Int32(page.end - start))
            header.i32(3, Int32(page.end - start))
            header.structure(5) { data in
                data.i32(1, Int32(page.count))
                data.i32(2, Code.plain)
                data.i32(3, Code.rle)
                data.i32(4, Code.rle)
            }
            header.stop()
            try file.write { out in
                out.append(contentsOf: header.bytes)
                out.append(contentsOf: self.columns[index].values[start..<page.end])
            }
            bytes += Int64(header.bytes.count + page.end - start)
            values += Int64(page.count)
            start = page.end
        }
        // What follows the closed pages (the open page's values) moves to the front.
        columns[index].values.removeSubrange(0..<start)
        columns[index].pages.removeAll(keepingCapacity: true)
        offset += bytes
        return (bytes, values)
    }

    /// Parquet's `FileMetaData`: version, schema, row count, row groups, key-value metadata, writer.
    private func writeFileMetaData(into footer: inout ThriftCompactWriter) {
        footer.i32(1, 1)
        footer.list(2, of: .structure, count: columns.count + 1)
        footer.elementStructure { root in
            root.string(4, "schema")
            root.i32(5, Int32(columns.count))
        }
        for column in columns {
            footer.elementStructure { element in
                element.i32(1, Code.byteArray)
                element.i32(3, Code.required)
                element.string(4, column.name)
                element.i32(6, Code.utf8)
                element.structure(10) { logicalType in
                    logicalType.structure(1) { _ in }  // STRING
                }
            }
        }
        footer.i64(3, rowGroups.reduce(0) { $0 + $1.rows })
        footer.list(4, of: .structure, count: rowGroups.count)
        for group in rowGroups {
            footer.elementStructure { rowGroup in
                rowGroup.list(1, of: .structure, count: group.chunks.count)
                for (chunk, column) in zip(group.chunks, columns) {
                    rowGroup.elementStructure { columnChunk in
                        columnChunk.i64(2, chunk.dataPageOffset)
                        columnChunk.structure(3) { meta in
                            meta.i32(1, Code.byteArray)
                            meta.list(2, of: .i32, count: 2)
                            meta.elementI32(Code.plain)
                            meta.elementI32(Code.rle)
                            meta.list(3, of: .binary, count: 1)
                            meta.elementString(column.name)
                            meta.i32(4, Code.uncompressed)
                            meta.i64(5, chunk.values)
                            meta.i64(6, chunk.bytes)
                            meta.i64(7, chunk.bytes)
                            meta.i64(9, chunk.dataPageOffset)
                        }
                    }
                }
                rowGroup.i64(2, group.chunks.reduce(0) { $0 + $1.bytes })
                rowGroup.i64(3, group.rows)
            }
        }
        footer.list(5, of: .structure, count: metadata.count)
        for entry in metadata {
            footer.elementStructure { keyValue in
                keyValue.string(1, entry.key)
                keyValue.string(2, entry.value)
            }
        }
        footer.string(6, ExportOptions.producer)
        footer.stop()
    }
}
