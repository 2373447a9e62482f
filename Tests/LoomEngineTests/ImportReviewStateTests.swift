import Foundation
import GRDB
import LoomCore
import LoomEngine
@testable import LoomStore
import Testing

/// Importing a file again keeps each row's review state with the row's content, wherever the row moved in the file.
@Suite("Import keeps review state with content")
struct ImportReviewStateTests {
    /// A scratch folder with `rows.jsonl` holding `rows`, and the run folder to import it into.
    private static func scratch(_ rows: [String]) throws -> (file: URL, run: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("rows.jsonl")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return (file, folder.appendingPathComponent("run"))
    }

    private static func row(_ question: String, _ answer: String = "Yes.", id: String? = nil) -> String {
        let own = id.map { #""id": "\#($0)", "# } ?? ""
        return #"{\#(own)"conversations": [{"from": "human", "value": "\#(question)"}, {"from": "gpt", "value": "\#(answer)"}]}"#
    }

    /// The run's records by their question.
    private static func idsByQuestion(_ store: RunStore) throws -> [String: String] {
        try store.read { db in
            var found: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, sharegpt FROM records") {
                let turns = try #require(Turn.turns(fromShareGPT: row[1] as String))
                found[turns[0].text] = row[0]
            }
            return found
        }
    }

    /// A reviewer's pass over a record, as the review app leaves it.
    private static func review(_ id: String, in store: RunStore) throws {
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO review_passes(record_id, pass, reviewer, verdict, version, created_at) VALUES (?, 1, 'ann', 'accept', 1, 0)",
                arguments: [id])
        }
    }

    @Test("deleting a row in the middle of the file leaves the rows after it their ids and their review")
    func deletedRowKeepsOthersReview() throws {
        let (file, run) = try Self.scratch([Self.row("Is it red?"), Self.row("Is it blue?"), Self.row("Is it big?")])
        _ = try DatasetImporter(file: file, output: run).run()
        let before = try Self.idsByQuestion(try RunStore(directory: run))
        let big = try #require(before["Is it big?"])
        try Self.review(big, in: try RunStore(directory: run))

        try [Self.row("Is it red?"), Self.row("Is it big?")].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: run).run()
        #expect(second.staleRecordsRemoved == 1 && second.changedRecords == 0)
        let store = try RunStore(directory: run)
        let after = try Self.idsByQuestion(store)
        #expect(after == before.filter { $0.key != "Is it blue?" })
        #expect(after["Is it big?"] == big)
        #expect(try store.reviewPasses(recordID: big).count == 1)
        #expect(try store.reviewPasses(recordID: try #require(after["Is it red?"])).isEmpty)
    }

    @Test("identical rows get ids of their own, and keep them when one of them goes")
    func identicalRows() throws {
        let (file, run) = try Self.scratch([Self.row("Is it red?"), Self.row("Is it red?"), Self.row("Is it big?")])
        let first = try DatasetImporter(file: file, output: run).run()
        #expect(first.records == 3)
        let store = try RunStore(directory: run)
        let ids = Set(try store.recordIDs(generator: "import", template: "rows.jsonl"))
        #expect(ids.count == 3)
        try [Self.row("Is it red?"), Self.row("Is it big?")].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: run).run()
        #expect(second.staleRecordsRemoved == 1)
        #expect(Set(try store.recordIDs(generator: "import", template: "rows.jsonl")).isSubset(of: ids))
    }

    @Test("a row a reviewer corrected in the run keeps the correction when the unchanged file is imported again")
    func correctionSurvivesReimport() throws {
        let (file, run) = try Self.scratch([Self.row("Is it red?", "No."), Self.row("Is it big?")])
        _ = try DatasetImporter(file: file, output: run).run()
        let store = try RunStore(directory: run)
        let ids = try Self.idsByQuestion(store)
        let id = try #require(ids["Is it red?"])
        var record = try #require(try store.record(id: id))
        record.turns[1].text = "Yes, it is red."
        try store.saveRecordVersion(record, author: "ann", note: "the answer was wrong", seenVersion: 1, now: 1)

        let second = try DatasetImporter(file: file, output: run).run()
        #expect(second.correctionsKept == 1 && second.changedRecords == 0 && second.staleRecordsRemoved == 0 && second.records == 2)
        #expect(try store.record(id: id)?.turns[1].text == "Yes, it is red.")
        #expect(try store.reviewState(recordID: id)?.version == 2)
        #expect(try store.recordVersions(id).count == 2)
    }

    @Test("a row with its own id whose content changed in the file replaces its record, which starts unreviewed")
    func changedRowWithOwnIDStartsUnreviewed() throws {
        let id = "rec-00000000000000000001"
        let (file, run) = try Self.scratch([Self.row("Is it red?", "No.", id: id), Self.row("Is it big?", id: "rec-00000000000000000002")])
        _ = try DatasetImporter(file: file, output: run).run()
        let store = try RunStore(directory: run)
        try Self.review(id, in: store)
        try Self.review("rec-00000000000000000002", in: store)

        try [Self.row("Is it red?", "Yes.", id: id), Self.row("Is it big?", id: "rec-00000000000000000002")]
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: run).run()
        #expect(second.changedRecords == 1 && second.staleRecordsRemoved == 0)
        #expect(try store.record(id: id)?.turns[1].text == "Yes.")
        #expect(try store.reviewPasses(recordID: id).isEmpty)
        let archived = try store.read { db in try String.fetchAll(db, sql: "SELECT record_id FROM review_passes ORDER BY record_id") }
        #expect(archived.count == 2 && archived.contains("rec-00000000000000000002") && archived.contains { $0.hasPrefix(id + "~removed-") })
        #expect(try store.contentDigestMismatches().isEmpty)
    }

    @Test("a run whose rows an older Loom numbered by position keeps those ids for the rows still in the file")
    func positionIDsOfAnOlderImportAreKept() throws {
        let (file, run) = try Self.scratch([Self.row("Is it red?"), Self.row("Is it blue?"), Self.row("Is it big?")])
        _ = try DatasetImporter(file: file, output: run).run()
        // What an older Loom stored: the same rows under ids derived from their position.
        let store = try RunStore(directory: run)
        let records = try store.recordIDs(generator: "import", template: "rows.jsonl").map { try #require(try store.record(id: $0)) }
        let byQuestion = Dictionary(uniqueKeysWithValues: records.map { ($0.turns[0].text, $0) })
        var older: [LoomCore.Record] = []
        for (index, question) in ["Is it red?", "Is it blue?", "Is it big?"].enumerated() {
            var record = try #require(byQuestion[question])
            record.id = StableID.derive("rec", "import", "rows.jsonl", String(index))
            older.append(record)
        }
        let sampleID = try #require(older.first).sampleID
        let sample = try #require(try store.sample(id: sampleID))
        try store.removeRecords(records.map(\.id))
        try store.commit([StoreWrite(samples: [sample], records: older)])
        try Self.review(older[2].id, in: store)

        try [Self.row("Is it red?"), Self.row("Is it big?")].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: run).run()
        #expect(second.staleRecordsRemoved == 1 && second.changedRecords == 0)
        #expect(try Self.idsByQuestion(store) == ["Is it red?": older[0].id, "Is it big?": older[2].id])
        #expect(try store.reviewPasses(recordID: older[2].id).count == 1)
        // And again: the ids the older Loom gave stay, with their review.
        let third = try DatasetImporter(file: file, output: run).run()
        #expect(third.staleRecordsRemoved == 0 && third.unchangedRecords == 2)
        #expect(try Self.idsByQuestion(store) == ["Is it red?": older[0].id, "Is it big?": older[2].id])
        #expect(try store.reviewPasses(recordID: older[2].id).count == 1)
    }
}

@Suite("Import of an unchanged file")
struct ImportUnchangedFileTests {
    @Test("a file imported again unchanged rewrites nothing: the quality stage keeps its results and does not run again")
    func unchangedFileKeepsQuality() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-unchanged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("rows.jsonl")
        let run = folder.appendingPathComponent("run")
        let rows = ["A red ball.", "", "A blue cup."].enumerated().map {
            #"{"conversations": [{"from": "human", "value": "Question \#($0.offset)?"}, {"from": "gpt", "value": "\#($0.element)"}]}"#
        }
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: file, output: run).run()
        let first = try await DatasetImporter.checkQuality(of: run)
        #expect(first.flagged == 1 && first.summary.ranNow)
        let hash = try RunStore(directory: run).contentHash()

        let again = try DatasetImporter(file: file, output: run).run()
        #expect(again.records == 3 && again.unchangedRecords == 3 && again.staleRecordsRemoved == 0)
        let second = try await DatasetImporter.checkQuality(of: run)
        #expect(second.flagged == 1 && !second.summary.ranNow)
        #expect(try RunStore(directory: run).contentHash() == hash)

        // One row changed: the stage runs again, over all of them.
        try rows.dropLast().joined(separator: "\n").appending("\n" + #"{"conversations": [{"from": "human", "value": "Question 2?"}, {"from": "gpt", "value": "A green cup."}]}"#)
            .write(to: file, atomically: true, encoding: .utf8)
        let changed = try DatasetImporter(file: file, output: run).run()
        #expect(changed.unchangedRecords == 2 && changed.staleRecordsRemoved == 1)
        let third = try await DatasetImporter.checkQuality(of: run)
        #expect(third.flagged == 1 && third.summary.ranNow)
    }
}

@Suite("Import removes images no record shows any more")
struct ImportRemovesUnusedImagesTests {
    @Test("a row deleted from the file takes its image out of the run; an image another row shows stays; the run equals a fresh import")
    func deletedRowsImageGoes() async throws {
        let folder = try ImportRoundTripTests.folderWithTwoGreyImages()
        func row(_ image: String, _ answer: String) -> String {
            #"{"image": "\#(image)", "conversations": [{"from": "human", "value": "<image>\nWhat shade?"}, {"from": "gpt", "value": "\#(answer)"}]}"#
        }
        let file = folder.appendingPathComponent("rows.jsonl")
        let run = folder.appendingPathComponent("run")
        try [row("a.png", "Light grey."), row("b.png", "Dark grey."), row("a.png", "Pale.")].joined(separator: "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: file, output: run).run()
        let mediaFolder = run.appendingPathComponent("media")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mediaFolder.path).count == 2)

        let kept = [row("a.png", "Light grey.")]
        try kept.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: run).run()
        #expect(second.staleRecordsRemoved == 2 && second.mediaRemoved == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mediaFolder.path).count == 1)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.png").path))
        _ = try await DatasetImporter.checkQuality(of: run)
        let store = try RunStore(directory: run)
        #expect(try store.contentDigestMismatches().isEmpty)

        let copyFolder = folder.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copyFolder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("a.png"), to: copyFolder.appendingPathComponent("a.png"))
        try kept.joined(separator: "\n").write(to: copyFolder.appendingPathComponent("rows.jsonl"), atomically: true, encoding: .utf8)
        let fresh = folder.appendingPathComponent("fresh")
        _ = try DatasetImporter(file: copyFolder.appendingPathComponent("rows.jsonl"), output: fresh).run()
        _ = try await DatasetImporter.checkQuality(of: fresh)
        #expect(try store.contentHash() == RunStore(directory: fresh).contentHash())
    }
}

@Suite("Import stamps the images it links")
struct ImportStampsLinkedImagesTests {
    @Test("an image linked by an earlier import without a stamp, or touched since, gets its current stamp when imported again")
    func reimportStampsLinkedImages() throws {
        let folder = try ImportRoundTripTests.folderWithTwoGreyImages()
        let file = folder.appendingPathComponent("rows.jsonl")
        let run = folder.appendingPathComponent("run")
        try #"{"image": "a.png", "conversations": [{"from": "human", "value": "<image>\nWhat shade?"}, {"from": "gpt", "value": "Light grey."}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: file, output: run).run()
        let store = try RunStore(directory: run)
        let id = try #require(try store.linkedMediaStamps().keys.first)
        // As a run imported before stamps were kept.
        try store.write { db in try db.execute(sql: "DELETE FROM linked_media") }
        #expect(try store.linkedMediaStamps().isEmpty)

        let image = folder.appendingPathComponent("a.png")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: image.path)
        _ = try DatasetImporter(file: file, output: run).run()
        let stamp = try #require(try store.linkedMediaStamps()[id])
        let current = try #require(FileStamp.of(image.path))
        #expect(stamp.size == current.size && stamp.modified == current.modified && current.modified == 1_000_000 * 1_000_000_000)
    }
}
