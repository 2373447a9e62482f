import Foundation
import Testing

@testable import LoomExport

@Suite("Thrift compact protocol and Parquet framing")
struct ThriftCompactWriterTests {
    @Test("fields, zigzag varints, long field ids, long lists and nested structs encode as the compact protocol specifies")
    func encoding() {
        var writer = ThriftCompactWriter()
        writer.i32(1, 1)
        writer.i64(3, -1)
        writer.string(4, "ab")
        writer.i32(20, 300)  // 16 past the last id: the id follows the type
        writer.list(21, of: .i32, count: 16)  // 15 or more elements: the size follows the header
        for _ in 0..<16 { writer.elementI32(-2) }
        writer.structure(22) { inner in inner.i32(1, 7) }  // ids restart inside a struct
        writer.i32(23, 0)
        writer.stop()
        let expected: [UInt8] =
            [0x15, 0x02, 0x26, 0x01, 0x18, 0x02, 0x61, 0x62, 0x05, 0x28, 0xD8, 0x04, 0x19, 0xF5, 0x10]
            + Array(repeating: 0x03, count: 16) + [0x1C, 0x15, 0x0E, 0x00, 0x15, 0x00, 0x00]
        #expect(writer.bytes == expected)
    }

    @Test("a Parquet string table starts and ends with PAR1 and its footer length points at the footer")
    func framing() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-\(UUID().uuidString).parquet")
        defer { try? FileManager.default.removeItem(at: url) }
        let table = try ParquetStringTable(url: url, columns: ["base64", "__index_level_0__"], metadata: [("pandas", "{}")])
        try table.appendRow { column, out in out.append(contentsOf: (column == 0 ? "QUJD" : "LM_IMG_1").utf8) }
        try table.finish()
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8))
        let footerLength = bytes[bytes.count - 8..<bytes.count - 4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        // Magic, two pages (a header of about a dozen bytes before each value and its 4-byte length), footer.
        let pages = bytes.count - 8 - footerLength - 4
        #expect(pages > 4 + 4 + 8 && pages < 80)
        #expect(bytes[4] == 0x15 && bytes[5] == 0x00)  // the first page header: type DATA_PAGE (0)
    }
}
