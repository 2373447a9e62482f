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

    @Test("SHA-256 hex ids, short ids and long ids each find their own slot; near misses find nothing")
    func idKinds() {
        var generator = SystemRandomNumberGenerator()
        let digests = (0..<3_000).map { _ in
            (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        }
        let short = (0..<500).map { "nomedia-\(String($0, radix: 16))" }
        let long = (0..<200).map { "ingested/collection/folder-\($0)/image-\($0).jpeg" }
        let boundary = [String(repeating: "x", count: 31), String(repeating: "x", count: 32), "a"]
        let ids = digests + short + long + boundary
        let index = MediaIDIndex(ids: ids)
        for (slot, id) in ids.enumerated() {
            #expect(index.slot(id) == Int32(slot), "\(id)")
        }
        let first = digests[0]
        let nearMisses = [
            first.uppercased(), String(first.dropLast()), first + "0", "g" + first.dropFirst(),
            String(first.dropLast()) + (first.last == "0" ? "1" : "0"), String(repeating: "x", count: 30),
            String(repeating: "x", count: 33), "nomedia-", "nomedia-0 ",
        ]
        for missing in nearMisses {
            #expect(index.slot(missing) == nil, "\(missing)")
        }
    }

    @Test("a 64-character id packs to the bytes its hex spells; anything but 0-9a-f keeps it out of the packed form")
    func digestPacking() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var hex = bytes.map { String(format: "%02x", $0) }.joined()
            let packed = try #require(hex.withUTF8 { InlineMediaID($0) })
            #expect(packed.tag == InlineMediaID.hexTag)
            let words = [packed.words.0, packed.words.1, packed.words.2, packed.words.3]
            let unpacked = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64($0))) } }
            #expect(unpacked == bytes)
        }
        for bad in ["G", "A", "/", ":", "`", "g", " ", "é"] {
            var id = String(repeating: "0", count: 63 - (bad.utf8.count - 1)) + bad
            if id.utf8.count == 64 { #expect(id.withUTF8 { InlineMediaID($0) } == nil, "\(bad)") }
            id = bad + String(repeating: "f", count: 64 - bad.utf8.count)
            #expect(id.withUTF8 { InlineMediaID($0) } == nil, "\(bad)")
        }
    }

    @Test("a batch of rows gets each row's slots, or none when one of its media is not in the run")
    func batchResolution() throws {
        let fixture = try ExportFixture()
        let catalog = try MediaCatalog(store: fixture.store)
        var rows: [ExportRow] = []
        try fixture.store.forEachExportRow(RecordSelection(flags: .include)) { row, _ in rows.append(row) }
        var unknown = rows[0]
        unknown.media = [rows[0].media[0], "not-in-the-run"]
        rows.append(unknown)
        catalog.resolveSlots(of: &rows)
        for row in rows.dropLast() {
            #expect(row.catalogSlots?.map { catalog.item(atSlot: $0).id } == row.media, "\(row.id)")
        }
        #expect(rows.last?.catalogSlots == nil)
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
}
