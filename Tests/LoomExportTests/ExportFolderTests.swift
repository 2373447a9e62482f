import Foundation
import LoomCore
import LoomStore
import Testing

@testable import LoomExport

@Suite("Export folders")
struct ExportFolderTests {
    private func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test("an images/ folder Loom did not write is never cleared, inside the run directory or not: the export stops and says why",
        arguments: [true, false])
    func foreignImages(insideTheRun: Bool) throws {
        let fixture = try ExportFixture()
        // `output: .` makes the project folder the run directory: the user's own data may live inside it.
        let folder = insideTheRun
            ? fixture.runDirectory.appendingPathComponent("mydata")
            : FileManager.default.temporaryDirectory.appendingPathComponent("loom-mine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
        let photo = folder.appendingPathComponent("images/p1.jpg")
        try Data("my photo".utf8).write(to: photo)
        #expect {
            try ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory).export(.llava, to: folder)
        } throws: { error in
            "\(error)".contains("images/ folder that Loom did not write")
        }
        #expect(FileManager.default.contents(atPath: photo.path) == Data("my photo".utf8))
    }

    @Test("a re-export removes the files the previous export wrote (old splits) and keeps files no export wrote")
    func reexportRemovesThePreviousExportsFiles() throws {
        let fixture = try ExportFixture()
        let folder = fixture.runDirectory.appendingPathComponent("splits")
        let writer = ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory)
        let three = try SplitPlan.parse("train=0.5,validation=0.25,test=0.25")
        let first = try writer.export(.mantis, to: folder, options: ExportOptions(selection: RecordSelection(media: .any), splits: three))
        #expect(first.files.count >= 2)
        try Data("notes".utf8).write(to: folder.appendingPathComponent("NOTES.txt"))
        let second = try writer.export(.mantis, to: folder, options: ExportOptions(selection: RecordSelection(media: .any)))
        #expect(second.files == ["data.json"])
        #expect(try names(folder) == [".loom-export", "NOTES.txt", "data.json", "images"])
        #expect(ExportWriter.holdsFinishedExport(folder))
    }

    @Test("an interrupted export is not a finished one: the folder holds no earlier data file beside cleared images")
    func interruptedExportIsNotFinished() throws {
        let fixture = try ExportFixture()
        let folder = fixture.runDirectory.appendingPathComponent("again")
        let writer = ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory)
        _ = try writer.export(.llava, to: folder)
        #expect(ExportWriter.holdsFinishedExport(folder))
        // The next export into the folder claims it and is killed before it finishes.
        do {
            let claim = try ExportFolder(claiming: folder, images: true)
            #expect(!ExportWriter.holdsFinishedExport(folder))
            #expect(try names(folder) == [".loom-export", "images"])
            #expect(try names(folder.appendingPathComponent("images")).isEmpty)
            withExtendedLifetime(claim) {}
        }
        // A marker an earlier Loom wrote (the header alone) still counts as a finished export.
        try Data("written by loom export\n".utf8).write(to: folder.appendingPathComponent(".loom-export"))
        #expect(ExportWriter.holdsFinishedExport(folder))
        // A file of a finished export deleted by hand makes it unfinished too.
        _ = try writer.export(.llava, to: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("data.json"))
        #expect(!ExportWriter.holdsFinishedExport(folder))
    }

    @Test("files an interrupted export had already put in place, and its partial files, go with the next export; older files stay")
    func interruptedExportsFilesAreRemoved() throws {
        let fixture = try ExportFixture()
        let folder = fixture.runDirectory.appendingPathComponent("interrupted")
        let writer = ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory)
        _ = try writer.export(.llava, to: folder)
        // A file of the user's, there since before the exports.
        let notes = folder.appendingPathComponent("NOTES.txt")
        try Data("notes".utf8).write(to: notes)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: notes.path)
        // An export with splits claims the folder, puts its first split in place, is writing the next, and is killed.
        do {
            let claim = try ExportFolder(claiming: folder, images: true)
            try Data("[]".utf8).write(to: folder.appendingPathComponent("train.json"))
            try Data("[".utf8).write(to: folder.appendingPathComponent(".validation.json.partial"))
            // The user edits their note meanwhile: edited after the claim, but not made by the export.
            let handle = try FileHandle(forWritingTo: notes)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(" and more".utf8))
            try handle.close()
            withExtendedLifetime(claim) {}
        }
        let again = try writer.export(.llava, to: folder)
        #expect(again.files == ["data.json"])
        #expect(try names(folder) == [".loom-export", "NOTES.txt", "data.json", "images"])
    }

    @Test("an export that writes no record says why")
    func anEmptyExportSaysWhy() throws {
        let fixture = try ExportFixture()
        let writer = ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory)
        let none = try writer.export(
            .mantis, to: fixture.runDirectory.appendingPathComponent("none"),
            options: ExportOptions(selection: RecordSelection(media: .any, languages: ["xx"])))
        #expect(none.records == 0)
        #expect(none.warnings.contains { $0.hasPrefix("no record was written: the selection") })
        let some = try writer.export(.mantis, to: fixture.runDirectory.appendingPathComponent("some"))
        #expect(!some.warnings.contains { $0.hasPrefix("no record was written") })
    }

    @Test("two exports into one folder at once: the second is refused while the first holds it")
    func oneExportAtATime() throws {
        let fixture = try ExportFixture()
        let folder = fixture.runDirectory.appendingPathComponent("shared")
        do {
            let first = try ExportFolder(claiming: folder, images: true)
            #expect {
                try ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory).export(.llava, to: folder)
            } throws: { error in
                "\(error)".contains("another export is writing into this folder")
            }
            withExtendedLifetime(first) {}
        }
        _ = try ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory).export(.llava, to: folder)
        #expect(ExportWriter.holdsFinishedExport(folder))
    }

    @Test("a file where the export folder should be is named in the error")
    func fileInTheWay() throws {
        let fixture = try ExportFixture()
        let file = fixture.runDirectory.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        #expect {
            try ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory).export(.llava, to: file.appendingPathComponent("llava"))
        } throws: { error in
            "\(error)".contains("\(file.path) is a file, not a folder")
        }
    }
}
