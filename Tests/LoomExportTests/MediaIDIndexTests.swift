import Foundation
import LoomCore
import LoomStore
import Testing

@testable import LoomExport

@Suite("Media id index")
struct MediaIDIndexTests {
    @Test("every id finds its own slot, by string and by bytes; ids not indexed find nothing")
    func exactLookups() {
        let ids = (0..<5_000).map { "img-\(String($0, radix: 16))" } + ["", "日本語", "img"]
        let index = MediaIDIndex(ids: ids)
        for (slot, id) in ids.enumerated() {
            #expect(index.slot(id) == Int32(slot), "\(id)")
            var bytes = id
            #expect(bytes.withUTF8 { index.slot($0) } == Int32(slot), "\(id)")
        }
        for missing in ["img-", "img-0 ", "IMG-1", "img-fffff", "日本", "x"] {
            #expect(index.slot(missing) == nil, "\(missing)")
        }
    }

    @Test("an id listed twice resolves to its last position")
    func duplicates() {
        let index = MediaIDIndex(ids: ["a", "b", "a"])
        #expect(index.slot("a") == 2)
        #expect(index.slot("b") == 1)
    }

    @Test("an empty index finds nothing")
    func empty() {
        #expect(MediaIDIndex(ids: [String]()).slot("a") == nil)
    }

    @Test("rows read with the catalog's resolver carry the same data as rows read without it, plus their slots")
    func resolvedRowsMatch() throws {
        let fixture = try ExportFixture()
        let catalog = try MediaCatalog(store: fixture.store)
        var plain: [ExportRow] = []
        try fixture.store.forEachExportRow(RecordSelection(flags: .include)) { row, _ in plain.append(row) }
        var resolved: [ExportRow] = []
        try fixture.store.forEachExportRow(RecordSelection(flags: .include), resolveMedia: catalog.resolve) { row, _ in resolved.append(row) }
        #expect(resolved.count == ExportFixture.records.count)
        #expect(resolved.map(\.id) == plain.map(\.id))
        #expect(resolved.map(\.media) == plain.map(\.media))
        #expect(resolved.map(\.turns) == plain.map(\.turns))
        #expect(resolved.map(\.domain) == plain.map(\.domain))
        #expect(plain.allSatisfy { $0.catalogSlots == nil })
        for row in resolved {
            #expect(row.catalogSlots?.map { catalog.item(atSlot: $0).id } == row.media, "\(row.id)")
        }
    }
}
