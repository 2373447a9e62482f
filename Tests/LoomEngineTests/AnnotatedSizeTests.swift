import LoomCore
import LoomIngest
import Testing

@testable import LoomEngine

@Suite("Boxes checked against the image they were drawn on")
struct AnnotatedSizeTests {
    private func item(width: Double, height: Double) -> SourceItem {
        SourceItem(
            path: SourcePath("/photos/IMG_0001.jpg"),
            annotations: ImageAnnotations(objects: [AnnotatedObject(category: "dog", box: Box(x: 100, y: 50, width: 400, height: 300))]),
            origin: "coco instances.json", annotatedWidth: width, annotatedHeight: height)
    }

    @Test("boxes made on the shown image are kept as they are")
    func shownSize() {
        #expect(IngestWorker.reconcile(item(width: 3024, height: 4032), displayed: (3024, 4032), stored: (4032, 3024), orientation: 6) == nil)
    }

    @Test("boxes made on the stored pixels of a phone photo shown turned are turned with it, and a note says so")
    func storedSize() throws {
        let result = try #require(IngestWorker.reconcile(
            item(width: 4032, height: 3024), displayed: (3024, 4032), stored: (4032, 3024), orientation: 6))
        #expect(result.objects.map(\.box) == [Box(x: 3024 - 50 - 300, y: 100, width: 300, height: 400)])
        #expect(result.note.kind == .boxesTurned)
        #expect(result.note.reason.contains("annotated as 4032×3024, the stored size of an image shown 3024×4032 (EXIF orientation 6)"))
    }

    @Test("boxes made on another size of the image are left out with the reason")
    func otherSize() throws {
        let result = try #require(IngestWorker.reconcile(item(width: 640, height: 480), displayed: (3024, 4032), stored: (4032, 3024), orientation: 6))
        #expect(result.objects.isEmpty)
        #expect(result.note.kind == .annotatedSizeMismatch)
        #expect(result.note.reason == "annotated as 640×480 but the image is 3024×4032: its 1 boxes are left out (boxes made on another copy of the image?)")
    }

    @Test("without a size from the source, boxes inside the image are kept as they are")
    func noSize() {
        var unsized = item(width: 1, height: 1)
        unsized.annotatedWidth = nil
        #expect(IngestWorker.reconcile(unsized, displayed: (3024, 4032), stored: (4032, 3024), orientation: 6) == nil)
    }

    @Test("without a size from the source, boxes reaching outside the image are left out with a note")
    func noSizeOutside() throws {
        var unsized = item(width: 1, height: 1)
        unsized.annotatedWidth = nil
        // Corners given for width and height: x + width runs past the image.
        unsized.annotations.objects.append(AnnotatedObject(category: "cat", box: Box(x: 500, y: 400, width: 620, height: 460)))
        let result = try #require(IngestWorker.reconcile(unsized, displayed: (640, 480), stored: (640, 480), orientation: 1))
        #expect(result.objects.map(\.category) == ["dog"])
        #expect(result.note.kind == .boxOutsideImage)
        #expect(result.note.reason == "1 of 2 boxes reach outside the 640×480 image (boxes are [x, y, width, height] in pixels); left out")
    }

    @Test("without a size from the source, boxes normalized to 0–1 are left out with a note")
    func normalizedBoxes() throws {
        var unsized = item(width: 1, height: 1)
        unsized.annotatedWidth = nil
        unsized.annotations.objects = [AnnotatedObject(category: "dog", box: Box(x: 0.1, y: 0.2, width: 0.3, height: 0.4))]
        let result = try #require(IngestWorker.reconcile(unsized, displayed: (640, 480), stored: (640, 480), orientation: 1))
        #expect(result.objects.isEmpty)
        #expect(result.note.reason.contains("they look normalized"))
    }
}
