import Foundation
import LoomCore
import Testing

@testable import LoomIngest

@Suite("COCO source")
struct COCOSourceTests {
    static let instances = #"""
        {"info": {"description": "test [set] {1}", "note": "quote \" and ]"},
         "licenses": [],
         "images": [
           {"id": 3, "file_name": "c.jpg", "width": 100, "height": 100},
           {"id": 1, "file_name": "a.jpg", "width": 640, "height": 480, "coco_url": "http://x/a.jpg?q=[1]"},
           {"id": 2, "file_name": "b.jpg", "width": 200, "height": 100}
         ],
         "annotations": [
           {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 20, 30, 40], "iscrowd": 0,
            "segmentation": [[10, 20, 40, 20, 40, 60]], "area": 1200.0},
           {"id": 11, "image_id": 1, "category_id": 18, "bbox": [600, 450, 45, 35], "iscrowd": 1,
            "segmentation": {"counts": [1, 2, 3], "size": [480, 640]}},
           {"id": 12, "image_id": 1, "category_id": 1, "bbox": [700, 10, 20, 20], "iscrowd": 0},
           {"id": 13, "image_id": 99, "category_id": 1, "bbox": [0, 0, 5, 5], "iscrowd": 0},
           {"id": 14, "image_id": 3, "category_id": 77, "bbox": [0, 0, 5, 5], "iscrowd": 0},
           {"id": 15, "image_id": 3, "category_id": 18, "bbox": [0.5, 0, 50, 50.25], "iscrowd": 0},
           {"id": 16, "image_id": 2, "category_id": 18, "bbox": [1, 1, 10, 10], "iscrowd": 0},
           {"id": 17, "image_id": 1, "category_id": 18, "bbox": [600, 400, 200, 60], "iscrowd": 0},
           {"id": 18, "image_id": 1, "category_id": 18, "bbox": [0.1, 0.2, 0.3, 0.4], "iscrowd": 0}
         ],
         "categories": [{"supercategory": "person", "id": 1, "name": "person"},
                        {"supercategory": "animal", "id": 18, "name": "dog"}]}
        """#

    static let captions = #"""
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
                    {"id": 3, "file_name": "c.jpg", "width": 100, "height": 100}],
         "annotations": [{"id": 100, "image_id": 3, "caption": "  A dog on grass.\n"},
                         {"id": 101, "image_id": 1, "caption": "A person with a \"dog\"."},
                         {"id": 102, "image_id": 1, "caption": "Two friends."},
                         {"id": 103, "image_id": 42, "caption": "Nobody."}]}
        """#

    @Test("instances and captions: objects clipped a little or left out, captions attached, images in id order")
    func instancesAndCaptions() throws {
        try withTemporaryDirectory { root in
            try writeFile(Self.instances, to: "\(root)/annotations/instances_val2017.json")
            try writeFile(Self.captions, to: "\(root)/annotations/captions_val2017.json")
            try writeFile("x", to: "\(root)/val2017/a.jpg")
            try writeFile("x", to: "\(root)/val2017/c.jpg")
            let source = COCOSource(
                instances: "\(root)/annotations/instances_val2017.json",
                captions: "\(root)/annotations/captions_val2017.json", imageRoot: "\(root)/val2017")
            let result = try collect { try source.scan(item: $0, rejected: $1) }

            #expect(result.items.map(\.path) == [SourcePath("\(root)/val2017/a.jpg"), SourcePath("\(root)/val2017/c.jpg")])
            #expect(result.items.allSatisfy { $0.origin == "coco instances_val2017.json" })
            let a = result.items[0].annotations
            #expect(
                a.objects == [
                    AnnotatedObject(category: "person", box: Box(x: 10, y: 20, width: 30, height: 40)),
                    AnnotatedObject(category: "dog", box: Box(x: 600, y: 450, width: 40, height: 30), isCrowd: true),
                ])
            #expect(a.captions == ["A person with a \"dog\".", "Two friends."])
            let c = result.items[1].annotations
            #expect(c.objects == [AnnotatedObject(category: "dog", box: Box(x: 0.5, y: 0, width: 50, height: 50.25))])
            #expect(c.captions == ["A dog on grass."])

            #expect(
                result.rejections == [
                    SourceRejection(
                        subject: "instances_val2017.json annotation 12", kind: .boxOutsideImage,
                        reason: "box [700, 10, 20, 20] lies outside the 640×480 image"),
                    SourceRejection(
                        subject: "instances_val2017.json annotation 13", kind: .badAnnotation,
                        reason: "unknown image id 99"),
                    SourceRejection(
                        subject: "instances_val2017.json annotation 14", kind: .badAnnotation,
                        reason: "unknown category id 77"),
                    SourceRejection(
                        subject: "instances_val2017.json annotation 17", kind: .boxOutsideImage,
                        reason: "box [600, 400, 200, 60] reaches 160 px outside the 640×480 image; left out"),
                    SourceRejection(
                        subject: "instances_val2017.json annotation 18", kind: .boxOutsideImage,
                        reason: "box [0.1, 0.2, 0.3, 0.4] lies within 0–1 on the 640×480 image: it looks normalized, and COCO boxes are in pixels; left out"),
                    SourceRejection(
                        subject: "captions_val2017.json annotation 103", kind: .badAnnotation,
                        reason: "unknown image id 42"),
                    SourceRejection(
                        subject: "\(root)/val2017/b.jpg", kind: .missingFile,
                        reason: "listed in instances_val2017.json but missing"),
                ])
        }
    }

    @Test("captions alone are enough; elements of the wrong shape are rejected, the rest kept")
    func captionsOnly() throws {
        try withTemporaryDirectory { root in
            let text = #"""
                {"images": [{"id": 7, "file_name": "x.jpg"}, {"id": 5, "file_name": "y.jpg"}, {"file_name": "z.jpg"}],
                 "annotations": [{"image_id": 5, "caption": "Y."}, {"image_id": 7, "caption": 3}]}
                """#
            try writeFile(text, to: "\(root)/captions_train.json")
            try writeFile("x", to: "\(root)/x.jpg")
            try writeFile("x", to: "\(root)/y.jpg")
            let source = COCOSource(instances: nil, captions: "\(root)/captions_train.json", imageRoot: root)
            let result = try collect { try source.scan(item: $0, rejected: $1) }
            #expect(result.items.map(\.path.display) == ["\(root)/y.jpg", "\(root)/x.jpg"])
            #expect(result.items.map(\.annotations.captions) == [["Y."], []])
            #expect(result.rejections.map(\.subject) == ["captions_train.json images[2]", "captions_train.json annotations[1]"])
            #expect(result.rejections.first?.reason == "no \"id\"")
            #expect(result.rejections.map(\.kind) == [.badAnnotation, .badAnnotation])
        }
    }

    @Test("a file that is not COCO JSON throws an error naming it")
    func malformed() throws {
        try withTemporaryDirectory { root in
            let cases: [(String, String)] = [
                (#"{"images": [{"id": 1, "file_name": a.jpg}]}"#, "bad.json: not COCO JSON (line 1, column 36: unexpected 'a')"),
                ("[1, 2]", "bad.json: not COCO JSON (line 1, column 1: expected an object at the top)"),
                ("{\"images\": [\n{\"id\": 1}", "bad.json: not COCO JSON (line 1, column 12: unclosed '[')"),
                (#"{"annotations": []}"#, "bad.json: not COCO JSON (no \"images\" array)"),
                ("", "bad.json: not COCO JSON (the file is empty)"),
                (#"{"images": [}"#, "bad.json: not COCO JSON (line 1, column 13: '}' where ']' should close)"),
            ]
            for (text, message) in cases {
                try writeFile(text, to: "\(root)/bad.json")
                let source = COCOSource(instances: "\(root)/bad.json", captions: nil, imageRoot: root)
                let error = #expect(throws: IngestFileError.self, "\(text)") {
                    try source.scan(item: { _ in }, rejected: { _ in })
                }
                #expect(error?.reason.hasPrefix(message) == true, "\(error?.reason ?? "nothing") for \(text)")
                #expect(error?.kind == .unusableSource)
            }
        }
    }

    @Test("the element scanner copes with brackets and quotes in strings, escapes, unicode and nesting")
    func elementScanner() throws {
        let text = #"""
            { "a" : "x]}\"[{" , "b\"k": [1, {"c": "\u005D\\"}, [[]], "]", -2.5e3],
              "é": {"n": {"m": [true, null]}}, "u\u00e9": "\uD83D\uDE00", "e": {} }
            """#
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let scanner = JSONElementScanner(buffer)
            var members: [(String, String)] = []
            var ranges: [String: Range<Int>] = [:]
            let end = try scanner.forEachMember(ofObjectAt: 0) { key, range in
                members.append((key, String(decoding: buffer[range], as: UTF8.self)))
                ranges[key] = range
            }
            #expect(end == bytes.count)
            #expect(members.map(\.0) == ["a", "b\"k", "é", "ué", "e"])
            #expect(
                members.map(\.1) == [
                    #""x]}\"[{""#, #"[1, {"c": "\u005D\\"}, [[]], "]", -2.5e3]"#, #"{"n": {"m": [true, null]}}"#,
                    #""\uD83D\uDE00""#, "{}",
                ])
            let arrayStart = try #require(ranges["b\"k"]).lowerBound
            var elements: [String] = []
            try scanner.forEachElement(ofArrayAt: arrayStart) { elements.append(String(decoding: buffer[$0], as: UTF8.self)) }
            #expect(elements == ["1", #"{"c": "\u005D\\"}"#, "[[]]", #""]""#, "-2.5e3"])
        }
        for bad in [#"{"a": [1, 2}"#, #"{"a": "open}"#, #"{"a" 1}"#, #"{"a": 1 "b": 2}"#, "{"] {
            let bytes = Array(bad.utf8)
            #expect(throws: JSONElementScanner.Failure.self, "\(bad)") {
                try bytes.withUnsafeBufferPointer { try JSONElementScanner($0).forEachMember(ofObjectAt: 0) { _, _ in } }
            }
        }
    }

    @Test("the JSON parser reads every kind of value and explains what is wrong")
    func parser() throws {
        let value = try JSONValue.parse(Array(#" {"s": "a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00", "n": [0, -1, 2.5, 1e2, 9223372036854775807, 9223372036854775808], "l": [true, false, null], "o": {}} "#.utf8))
        #expect(
            value
                == .object([
                    "s": .string("a\"\\/\u{8}\u{C}\n\r\té😀"),
                    "n": .array([.integer(0), .integer(-1), .number(2.5), .number(100), .integer(.max), .number(9223372036854775808)]),
                    "l": .array([.bool(true), .bool(false), .null]),
                    "o": .object([:]),
                ]))
        for (bad, reason) in [
            ("{not json", "expected a member name in quotes at column 2"), ("[1,]", "unexpected ']' at column 4"),
            ("01", "leading zero in a number at column 1"), (#""a"#, "unterminated string at column 1"),
            ("[1] x", "unexpected text after the value at column 5"), ("tru", "unexpected 't' at column 1"),
        ] {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(bad.utf8)) }
            do {
                _ = try JSONValue.parse(Array(bad.utf8))
            } catch {
                #expect(error.reason == reason, "\(bad)")
            }
        }
    }
}
