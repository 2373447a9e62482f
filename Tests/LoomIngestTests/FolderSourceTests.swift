import Foundation
import LoomCore
import Testing

@testable import LoomIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Folder source")
struct FolderSourceTests {
    /// Relative display paths of the items, in the order found.
    private func relative(_ result: ScanResult, root: String) -> [String] {
        result.items.map { String($0.path.display.dropFirst(root.count + 1)) }
    }

    @Test("walks recursively in bytewise-sorted order, with the default image extensions in any case")
    func sortedRecursiveWalk() throws {
        try withTemporaryDirectory { root in
            for name in ["b.jpg", "a.PNG", "B.jpeg", "sub/z.webp", "sub/deeper/y.JPG", "sub/a.gif", "c.txt",
                "notes/readme.md", "d.heic", "e.tiff", "noextension", "sub/x.bmp"] {
                try writeFile("x", to: "\(root)/\(name)")
            }
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(
                relative(result, root: root) == [
                    "B.jpeg", "a.PNG", "b.jpg", "d.heic", "e.tiff", "sub/a.gif", "sub/deeper/y.JPG", "sub/x.bmp",
                    "sub/z.webp",
                ])
            #expect(result.rejections.isEmpty)
            #expect(result.items.allSatisfy { $0.origin == "folder \(root)/" && $0.annotations.isEmpty })
        }
    }

    @Test("hidden files and folders, macOS resource forks and NAS thumbnail folders are not walked; .jfif is an image")
    func hiddenAndSystemEntriesAreSkipped() throws {
        try withTemporaryDirectory { root in
            for name in ["IMG_0003.jpg", ".thumbnails/IMG_0003.jpg", "._IMG_0003.jpg", "@eaDir/IMG_0003.jpg/SYNOPHOTO_THUMB_XL.jpg",
                "__MACOSX/trip/._a.jpg", "trip/.trashed-1700000000-b.jpg", "trip/b.jpg", "saved.jfif", ".hidden/c.png"] {
                try writeFile("x", to: "\(root)/\(name)")
            }
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(relative(result, root: root) == ["IMG_0003.jpg", "saved.jfif", "trip/b.jpg"])
            #expect(result.rejections.isEmpty)
        }
    }

    @Test("include and exclude globs: name patterns at any depth, path patterns from the root, ** across folders")
    func globs() throws {
        try withTemporaryDirectory { root in
            for name in ["a.png", "b.jpg", "raw/c.png", "raw/deep/d.png", "thumbs/e.png", "pets/cats/f.jpg",
                "cats/g.jpg", "keep.txt"] {
                try writeFile("x", to: "\(root)/\(name)")
            }
            func scan(_ include: [String], _ exclude: [String] = []) throws -> [String] {
                relative(
                    try collect { try FolderSource(root: root, include: include, exclude: exclude).scan(item: $0, rejected: $1) },
                    root: root)
            }
            #expect(try scan(["*.png"]) == ["a.png", "raw/c.png", "raw/deep/d.png", "thumbs/e.png"])
            #expect(try scan(["raw/*.png"]) == ["raw/c.png"])
            #expect(try scan(["raw/**.png"]) == ["raw/c.png", "raw/deep/d.png"])
            #expect(try scan(["**/cats/*.jpg"]) == ["cats/g.jpg", "pets/cats/f.jpg"])
            #expect(try scan(["*.txt", "[ab].*"]) == ["a.png", "b.jpg", "keep.txt"])
            #expect(try scan([], ["thumbs/**", "*.jpg"]) == ["a.png", "raw/c.png", "raw/deep/d.png"])
            #expect(try scan(["*.png"], ["raw"]) == ["a.png", "thumbs/e.png"])
        }
    }

    @Test("the glob rule, case by case")
    func globRule() {
        #expect(PathGlob("*.jpg").matches(Array("a/b/c.jpg".utf8)))
        #expect(!PathGlob("a/*.jpg").matches(Array("a/b/c.jpg".utf8)))
        #expect(PathGlob("a/**/*.jpg").matches(Array("a/c.jpg".utf8)))
        #expect(PathGlob("a/**/*.jpg").matches(Array("a/b/c/d.jpg".utf8)))
        #expect(PathGlob("/a/?.jpg").matches(Array("a/c.jpg".utf8)))
        #expect(!PathGlob("a/?.jpg").matches(Array("a/cc.jpg".utf8)))
        #expect(PathGlob("[!x]*.jpg").matches(Array("y.jpg".utf8)))
        #expect(!PathGlob("[!x]*.jpg").matches(Array("x.jpg".utf8)))
        #expect(PathGlob("img[0-9].png").matches(Array("img7.png".utf8)))
        #expect(PathGlob("\\*.png").matches(Array("*.png".utf8)))
        #expect(!PathGlob("\\*.png").matches(Array("a.png".utf8)))
        #expect(!PathGlob("*.JPG").matches(Array("a.jpg".utf8)))
    }

    @Test("a symbolic link loop is reported once and the walk finishes; links to files and folders are followed")
    func symlinkLoop() throws {
        try withTemporaryDirectory { root in
            try writeFile("x", to: "\(root)/dir/a.jpg")
            try writeFile("x", to: "\(root)/other/b.jpg")
            try makeSymlink("\(root)/dir/link", to: "..")
            try makeSymlink("\(root)/dir/to-other", to: "../other")
            try makeSymlink("\(root)/dir/c.jpg", to: "a.jpg")
            try makeSymlink("\(root)/z-self", to: "z-self")  // a link to itself: ELOOP
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(relative(result, root: root) == ["dir/a.jpg", "dir/c.jpg", "dir/to-other/b.jpg", "other/b.jpg"])
            #expect(result.rejections.count == 2)
            #expect(result.rejections.first?.subject == "\(root)/dir/link")
            #expect(result.rejections.first?.reason.hasPrefix("symbolic link loop") == true)
            #expect(result.rejections.last == SourceRejection(subject: "\(root)/z-self", kind: .symlinkLoop, reason: "symbolic link loop"))
        }
    }

    @Test("a dangling link and a FIFO named like images are rejected without being opened; empty files are offered")
    func nonRegularFiles() throws {
        try withTemporaryDirectory { root in
            try makeSymlink("\(root)/gone.jpg", to: "\(root)/nowhere.jpg")
            try makeSymlink("\(root)/gone-not-an-image", to: "\(root)/nowhere")
            #expect(mkfifo("\(root)/x.jpg", 0o644) == 0)
            try writeFile("", to: "\(root)/empty.png")
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(relative(result, root: root) == ["empty.png"])
            #expect(
                result.rejections == [
                    SourceRejection(subject: "\(root)/gone.jpg", kind: .missingFile, reason: "dangling symbolic link"),
                    SourceRejection(subject: "\(root)/x.jpg", kind: .notRegularFile, reason: "not a regular file (a FIFO)"),
                ])
            #expect(try result.items[0].path.readAll(maxBytes: 10) == [])
            // Reading the FIFO directly does not block either.
            #expect(throws: IngestFileError("not a regular file (a FIFO)", kind: .notRegularFile)) {
                try SourcePath("\(root)/x.jpg").readAll(maxBytes: 10)
            }
        }
    }

    // Root reads through chmod 000 (CAP_DAC_OVERRIDE), and CI runs the tests as root: there the folder would be
    // walked and the file read, so these two tests run only as an ordinary user.
    @Test(
        "a sub-folder that cannot be opened is rejected with its path and the walk goes on",
        .enabled(if: geteuid() != 0, "root is not stopped by file permissions"))
    func unreadableFolder() throws {
        try withTemporaryDirectory { root in
            for name in ["a.jpg", "locked/b.jpg", "z/c.jpg"] { try writeFile("x", to: "\(root)/\(name)") }
            try #require(chmod("\(root)/locked", 0) == 0)
            defer { chmod("\(root)/locked", 0o755) }
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(relative(result, root: root) == ["a.jpg", "z/c.jpg"])
            #expect(
                result.rejections == [
                    SourceRejection(
                        subject: "\(root)/locked", kind: .unreadableFolder, reason: "cannot open folder: permission denied")
                ])
        }
    }

    @Test(
        "a file that cannot be opened is offered by the walk and refused by readAll as unreadable",
        .enabled(if: geteuid() != 0, "root is not stopped by file permissions"))
    func unreadableFile() throws {
        try withTemporaryDirectory { root in
            try writeFile("x", to: "\(root)/secret.jpg")
            try #require(chmod("\(root)/secret.jpg", 0) == 0)
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(relative(result, root: root) == ["secret.jpg"])
            let item = try #require(result.items.first)
            #expect(throws: IngestFileError("permission denied", kind: .unreadableFile)) {
                try item.path.readAll(maxBytes: 10)
            }
        }
    }

    @Test("a file name that is not UTF-8 is found, shown with \\xNN, and read through its raw bytes")
    func nonUTF8Name() throws {
        try withTemporaryDirectory { root in
            let name: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".jpg".utf8)
            try writeRaw([1, 2, 3, 4], toBytes: Array(root.utf8) + [0x2F] + name)
            try writeFile("x", to: "\(root)/café.jpg")
            let result = try collect { try FolderSource(root: root).scan(item: $0, rejected: $1) }
            #expect(result.rejections.isEmpty)
            #expect(result.items.count == 2)
            // Bytewise order: "caf\xC3\xA9" sorts before "caf\xE9".
            #expect(result.items.map { $0.path.lastComponent } == [Array("café.jpg".utf8), name])
            let raw = result.items[1]
            #expect(raw.path.display == "\(root)/caf\\xE9.jpg")
            #expect(raw.path.bytes == Array(root.utf8) + [0x2F] + name)
            #expect(try raw.path.readAll(maxBytes: 100) == [1, 2, 3, 4])
            #expect(result.items[0].path.display == "\(root)/café.jpg")
        }
    }

    @Test("readAll explains what is wrong in plain words")
    func readAllErrors() throws {
        try withTemporaryDirectory { root in
            try writeFile("0123456789", to: "\(root)/ten.jpg")
            #expect(try SourcePath("\(root)/ten.jpg").readAll(maxBytes: 10) == Array("0123456789".utf8))
            #expect(throws: IngestFileError("file is larger than 9 bytes (10 bytes)", kind: .tooLarge)) {
                try SourcePath("\(root)/ten.jpg").readAll(maxBytes: 9)
            }
            #expect(throws: IngestFileError("no such file", kind: .missingFile)) { try SourcePath("\(root)/none.jpg").readAll(maxBytes: 9) }
            #expect(throws: IngestFileError("is a directory", kind: .notRegularFile)) { try SourcePath(root).readAll(maxBytes: 9) }
        }
    }

    @Test("display forms and ordering of raw paths")
    func sourcePathDisplay() {
        #expect(SourcePath(bytes: Array("a/b".utf8) + [0]).bytes == Array("a/b".utf8))
        #expect(SourcePath(bytes: [0x61, 0xFF, 0xC3, 0xA9, 0xC3]).display == "a\\xFFé\\xC3")
        #expect(SourcePath(bytes: [0xED, 0xA0, 0x80]).display == "\\xED\\xA0\\x80")  // a UTF-16 surrogate
        // The byte 0xE9 and the four characters "\xE9" are different names, so they read differently: every
        // backslash is doubled.
        let byte = SourcePath(bytes: Array("caf".utf8) + [0xE9]).display
        let characters = SourcePath(bytes: Array("caf\\xE9".utf8)).display
        #expect(byte == "caf\\xE9" && characters == "caf\\\\xE9" && byte != characters)
        #expect(SourcePath(bytes: [0x5C, 0xE9]).display == "\\\\\\xE9")
        #expect(SourcePath(bytes: [0x5C, 0x5C, 0x78, 0x45, 0x39]).display == "\\\\\\\\xE9")
        #expect(SourcePath(bytes: Array("a\\b.jpg".utf8)).display == "a\\\\b.jpg")
        #expect(SourcePath("a\\b.jpg").display == SourcePath(bytes: Array("a\\b.jpg".utf8)).display)
        #expect(SourcePath("a") < SourcePath("b"))
        #expect(SourcePath(bytes: [0x7A]) < SourcePath(bytes: [0xE9]))
        #expect(SourcePath("photos").resolving(SourcePath("/abs/x.jpg")) == SourcePath("/abs/x.jpg"))
        #expect(SourcePath("photos/").resolving(SourcePath("a/x.jpg")) == SourcePath("photos/a/x.jpg"))
        #expect(SourcePath("data.jsonl").parent == SourcePath("."))
        #expect(SourcePath("/data.jsonl").parent == SourcePath("/"))
    }

    @Test("a missing root throws naming the folder")
    func missingRoot() throws {
        _ = try withTemporaryDirectory { root in
            #expect(throws: IngestFileError("folder \(root)/none: no such file", kind: .missingFile)) {
                try FolderSource(root: "\(root)/none").scan(item: { _ in }, rejected: { _ in })
            }
        }
    }
}
