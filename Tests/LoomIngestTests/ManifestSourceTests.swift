import Foundation
import LoomCore
import Testing

@testable import LoomIngest

@Suite("Manifest source")
struct ManifestSourceTests {
    @Test("a good line carries every kind of annotation; other members are kept as JSON text")
    func fullLine() throws {
        try withTemporaryDirectory { root in
            try writeFile("x", to: "\(root)/cats/tom.jpg")
            let line = """
                {"image": "cats/tom.jpg", "captions": ["A grey cat.", "Tom"], "caption": "A cat on a mat.", \
                "tags": ["cat", "indoor"], "objects": [{"category": "cat", "box": [10, 20, 200, 150]}, \
                {"label": "people", "bbox": [0.5, 1, 30, 40], "iscrowd": 1}], \
                "ocr": [{"text": "EXIT", "box": [5, 5, 40, 12], "confidence": 97.5}, {"text": "5", "box": [1, 1, 2, 2]}], \
                "license": "CC-BY", "meta": {"z": [1, 2.5, null, true], "a": "é\\"q"}}
                """
            try writeFile(line + "\n", to: "\(root)/data.jsonl")
            let result = try collect { try ManifestSource(file: "\(root)/data.jsonl").scan(item: $0, rejected: $1) }
            #expect(result.rejections.isEmpty)
            #expect(result.items.count == 1)
            let item = try #require(result.items.first)
            #expect(item.path == SourcePath("\(root)/cats/tom.jpg"))
            #expect(item.origin == "manifest data.jsonl:1")
            let expected = ImageAnnotations(
                captions: ["A grey cat.", "Tom", "A cat on a mat."],
                tags: ["cat", "indoor"],
                objects: [
                    AnnotatedObject(category: "cat", box: Box(x: 10, y: 20, width: 200, height: 150)),
                    AnnotatedObject(category: "people", box: Box(x: 0.5, y: 1, width: 30, height: 40), isCrowd: true),
                ],
                text: [
                    TextLine(text: "EXIT", box: Box(x: 5, y: 5, width: 40, height: 12), confidence: 97.5),
                    TextLine(text: "5", box: Box(x: 1, y: 1, width: 2, height: 2), confidence: 100),
                ],
                fields: ["license": "\"CC-BY\"", "meta": "{\"a\":\"é\\\"q\",\"z\":[1,2.5,null,true]}"])
            #expect(item.annotations == expected)
        }
    }

    @Test("bad lines become file:line rejections, blank lines are skipped, and the scan goes on")
    func badLines() throws {
        try withTemporaryDirectory { root in
            try writeFile("x", to: "\(root)/img/a.jpg")
            try writeFile("x", to: "\(root)/img/b.jpg")
            let lines = [
                #"{"image": "a.jpg"}"#,  // 1
                "",  // 2
                "   ",  // 3
                "{not json",  // 4
                #"["a.jpg"]"#,  // 5
                #"{"captions": ["no image"]}"#,  // 6
                #"{"path": "b.jpg", "objects": [{"category": "cat", "box": [1, 2, 3]}]}"#,  // 7
                #"{"file_name": "missing.jpg"}"#,  // 8
                #"{"path": "b.jpg", "text": "a plain field"}"# + "\r",  // 9
                #"{"image": "/definitely/not/here.jpg"}"#,  // 10
            ]
            try writeFile(lines.joined(separator: "\n"), to: "\(root)/data.jsonl")
            let result = try collect {
                try ManifestSource(file: "\(root)/data.jsonl", imageRoot: "\(root)/img").scan(item: $0, rejected: $1)
            }
            #expect(result.items.map(\.path) == [SourcePath("\(root)/img/a.jpg"), SourcePath("\(root)/img/b.jpg")])
            #expect(result.items.map(\.origin) == ["manifest data.jsonl:1", "manifest data.jsonl:9"])
            #expect(result.items.last?.annotations.fields == ["text": "\"a plain field\""])
            #expect(
                result.rejections.map(\.subject) == [
                    "data.jsonl:4", "data.jsonl:5", "data.jsonl:6", "data.jsonl:7", "data.jsonl:8", "data.jsonl:10",
                ])
            let reasons = result.rejections.map(\.reason)
            #expect(reasons[0].hasPrefix("not JSON ("))
            #expect(reasons[1] == "not a JSON object (an array)")
            #expect(reasons[2] == "no image path (expected \"image\", \"path\" or \"file_name\")")
            #expect(reasons[3] == "objects[0] box must be [x, y, width, height], four numbers")
            #expect(reasons[4] == "image \(root)/img/missing.jpg: no such file")
            #expect(reasons[5] == "image /definitely/not/here.jpg: no such file")
            #expect(
                result.rejections.map(\.kind) == [
                    .badManifestLine, .badManifestLine, .badManifestLine, .badManifestLine, .missingFile, .missingFile,
                ])
        }
    }

    @Test("relative paths resolve against the manifest's folder by default")
    func defaultImageRoot() throws {
        try withTemporaryDirectory { root in
            try writeFile("x", to: "\(root)/sets/one/pics/p.png")
            try writeFile(#"{"image": "pics/p.png", "tags": "single"}"#, to: "\(root)/sets/one/m.jsonl")
            let result = try collect { try ManifestSource(file: "\(root)/sets/one/m.jsonl").scan(item: $0, rejected: $1) }
            #expect(result.rejections.isEmpty)
            #expect(result.items.map(\.path) == [SourcePath("\(root)/sets/one/pics/p.png")])
            #expect(result.items.first?.annotations.tags == ["single"])
        }
    }

    @Test("a large manifest is streamed through to the last line")
    func largeManifest() throws {
        try withTemporaryDirectory { root in
            try writeFile("x", to: "\(root)/a.jpg")
            var text = ""
            let count = 50_000
            for index in 0..<count {
                text += #"{"image": "a.jpg", "caption": "picture \#(index)", "n": \#(index)}"# + "\n"
            }
            try writeFile(text, to: "\(root)/big.jsonl")
            var seen = 0
            var lastCaption = ""
            try ManifestSource(file: "\(root)/big.jsonl").scan(
                item: { item in
                    seen += 1
                    lastCaption = item.annotations.captions.first ?? ""
                },
                rejected: { Issue.record("unexpected rejection \($0)") })
            #expect(seen == count)
            #expect(lastCaption == "picture \(count - 1)")
        }
    }

    @Test("the line reader handles lines across buffer boundaries, a missing final newline and a byte order mark")
    func lineReader() throws {
        try withTemporaryDirectory { root in
            let long = String(repeating: "x", count: 100)
            try writeFile("\u{FEFF}first\r\n\(long)\n\nlast", to: "\(root)/lines.txt")
            let reader = try LineReader(path: SourcePath("\(root)/lines.txt"), chunkSize: 7, maxLineBytes: 50)
            var lines: [String] = []
            while let line = try reader.next() {
                switch line {
                case .text(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
                case .tooLong: lines.append("<too long>")
                }
            }
            #expect(lines == ["first", "<too long>", "", "last"])
            #expect(reader.lineNumber == 4)
        }
    }

    @Test("a missing manifest throws naming it")
    func missingManifest() throws {
        #expect(throws: IngestFileError("manifest /no/such/m.jsonl: no such file", kind: .missingFile)) {
            try ManifestSource(file: "/no/such/m.jsonl").scan(item: { _ in }, rejected: { _ in })
        }
    }
}
