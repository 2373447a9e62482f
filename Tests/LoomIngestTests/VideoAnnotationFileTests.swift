import Foundation
import LoomCore
import Testing
@testable import LoomIngest

@Suite("Video annotation files")
struct VideoAnnotationFileTests {
    private func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-video-annotations-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("ActivityNet Captions entries (keyed by v_ id, parallel timestamps and sentences) match videos by file stem")
    func activityNet() throws {
        let annotations = try VideoAnnotationFile(path: try file("""
            {"v_QOlSCBRmfWY": {"duration": 82.73, "timestamps": [[0.83, 19.86], [17.37, 60.81]],
              "sentences": ["A young woman is seen standing in a room.", " She then begins to dance. "]}}
            """))
        #expect(annotations.rejections.isEmpty)
        let entry = try #require(annotations.entry(forRelativePath: "clips/v_QOlSCBRmfWY.mp4"))
        #expect(entry.segments == [
            VideoSegment(start: 0.83, end: 19.86, text: "A young woman is seen standing in a room."),
            VideoSegment(start: 17.37, end: 60.81, text: "She then begins to dance."),
        ])
        #expect(annotations.entry(forRelativePath: "QOlSCBRmfWY.mkv") != nil, "the v_ prefix is optional in file names")
        #expect(annotations.entry(forRelativePath: "other.mp4") == nil)
        #expect(!entry.firstPerson)
    }

    @Test("an array of entries naming their video, with segments, narrations in Ego4D's words, characters and captions")
    func arrayLayout() throws {
        let annotations = try VideoAnnotationFile(path: try file("""
            [{"video": "kitchen/cook.mp4", "segments": [{"start": 0, "end": 4.5, "caption": "Eggs are cracked."}],
              "narrations": [{"timestamp_sec": 1.2, "narration_text": "#C C picks up the knife"},
                             {"time": 2, "text": "#C C washes the bowl"}, {"time": 3, "text": "#O man X hands C a cup"}],
              "characters": ["Sheldon", "Penny"], "caption": "Cooking breakfast"}]
            """))
        let entry = try #require(annotations.entry(forRelativePath: "kitchen/cook.mp4"))
        #expect(entry.segments == [VideoSegment(start: 0, end: 4.5, text: "Eggs are cracked.")])
        #expect(entry.narrations.map(\.text) == ["I pick up the knife", "I wash the bowl", "man X hands me a cup"])
        #expect(entry.narrations.map(\.time) == [1.2, 2, 3])
        #expect(entry.characters == ["Sheldon", "Penny"] && entry.captions == ["Cooking breakfast"])
        #expect(entry.firstPerson, "narrations make a video first-person unless the entry says otherwise")
    }

    @Test("malformed entries are rejected naming the file, the entry and the problem; the others are kept")
    func malformedEntries() throws {
        let annotations = try VideoAnnotationFile(path: try file("""
            {"good.mp4": {"segments": [{"start": 1, "end": 2, "text": "ok"}]},
             "backwards.mp4": {"segments": [{"start": 5, "end": 3, "text": "time runs backwards"}]},
             "negative.mp4": {"segments": [{"start": -1, "end": 3, "text": "before the start"}]},
             "mismatch.mp4": {"timestamps": [[0, 1], [1, 2]], "sentences": ["only one"]},
             "notext.mp4": {"segments": [{"start": 0, "end": 1}]},
             "flag.mp4": {"first_person": "yes"},
             "scalar.mp4": 12}
            """))
        #expect(annotations.entries.keys.sorted() == ["good.mp4"])
        let reasons = Dictionary(uniqueKeysWithValues: annotations.rejections.map { ($0.subject, $0.reason) })
        let name = URL(fileURLWithPath: annotations.name).lastPathComponent
        #expect(reasons["\(name): backwards.mp4"]?.contains("ends at 3.0 s, not after its start at 5.0 s") == true)
        #expect(reasons["\(name): negative.mp4"]?.contains("starts before 0 s") == true)
        #expect(reasons["\(name): mismatch.mp4"]?.contains("\"timestamps\" has 2 entries but \"sentences\" has 1") == true)
        #expect(reasons["\(name): notext.mp4"]?.contains("segments[0] has no \"text\" string") == true)
        #expect(reasons["\(name): flag.mp4"]?.contains("\"first_person\" must be true or false") == true)
        #expect(reasons["\(name): scalar.mp4"]?.contains("must be an object") == true)
        #expect(annotations.rejections.allSatisfy { $0.kind == .badVideoAnnotation })
    }

    @Test("a file that is not JSON, or neither an object nor an array, is an error naming it")
    func unusableFile() throws {
        let notJSON = try file("{not json")
        #expect(throws: IngestFileError.self) { try VideoAnnotationFile(path: notJSON) }
        let number = try file("42")
        do {
            _ = try VideoAnnotationFile(path: number)
            Issue.record("a number was accepted")
        } catch let error as IngestFileError {
            #expect(error.reason.contains(number) && error.reason.contains("found a number"))
        }
    }

    @Test("Ego4D narrations are rewritten in the first person")
    func firstPerson() {
        #expect(FirstPersonNarration.rewrite("#C C picks up a knife") == "I pick up a knife")
        #expect(FirstPersonNarration.rewrite("#C C carries the box") == "I carry the box")
        #expect(FirstPersonNarration.rewrite("#C C touches the screen") == "I touch the screen")
        #expect(FirstPersonNarration.rewrite("#c C goes to the door") == "I go to the door")
        #expect(FirstPersonNarration.rewrite("#C C opens the tap") == "I open the tap")
        #expect(FirstPersonNarration.rewrite("C is in the kitchen") == "I am in the kitchen")
        #expect(FirstPersonNarration.rewrite("A woman gives C a plate") == "A woman gives me a plate")
        #expect(FirstPersonNarration.rewrite("I stir the soup") == "I stir the soup")
    }
}

@Suite("Fitting video annotations to the video")
struct VideoTimelineCheckTests {
    @Test("segments after the end are left out, overrunning ones cut, overlaps noted, late narrations left out, all sorted")
    func fit() {
        let given = VideoAnnotations(
            segments: [
                VideoSegment(start: 20, end: 26, text: "runs over"),
                VideoSegment(start: 2, end: 8, text: "second"),
                VideoSegment(start: 0, end: 3, text: "first"),
                VideoSegment(start: 31, end: 40, text: "after the end"),
                VideoSegment(start: 10, end: 20.3, text: "rounded end"),
            ],
            narrations: [Narration(time: 29, text: "late"), Narration(time: 5, text: "I sit"), Narration(time: 20.2, text: "I stand")])
        let (fitted, notes) = VideoTimelineCheck.fit(given, duration: 20, subject: "clips/a.mp4")
        #expect(fitted.segments == [
            VideoSegment(start: 0, end: 3, text: "first"), VideoSegment(start: 2, end: 8, text: "second"),
            VideoSegment(start: 10, end: 20, text: "rounded end"),
        ])
        #expect(fitted.narrations.map(\.text) == ["I sit", "I stand"])
        let byKind = Dictionary(grouping: notes, by: \.kind)
        #expect(byKind[.badVideoAnnotation]?.map(\.reason).sorted() == [
            "segment 1 (\"runs over\", 20.0 s–26.0 s) starts after the video's end at 20.0 s; left out",
            "segment 4 (\"after the end\", 31.0 s–40.0 s) starts after the video's end at 20.0 s; left out",
            "the narration \"late\" at 29.0 s is after the video's end at 20.0 s; left out",
        ])
        #expect(byKind[.segmentClipped] == nil, "a end within half a second of the video's end is cut without a note")
        #expect(byKind[.overlappingSegments]?.first?.reason.hasPrefix("1 pair of segments overlap, e.g. \"first\" (0.0 s–3.0 s) and \"second\" (2.0 s–8.0 s)") == true)
        #expect(notes.map(\.subject).sorted() == [
            "clips/a.mp4 narration at 29.0 s", "clips/a.mp4 segment 1", "clips/a.mp4 segment 4", "clips/a.mp4 segments",
        ])

        let (_, clipped) = VideoTimelineCheck.fit(
            VideoAnnotations(segments: [VideoSegment(start: 15, end: 25, text: "long")]), duration: 20, subject: "b.mp4")
        #expect(clipped.map(\.kind) == [.segmentClipped])
        #expect(clipped.first?.reason == "segment 1 (\"long\", 15.0 s–25.0 s) ends after the video's end at 20.0 s; cut there")
    }
}
