import LoomCore
import Testing

@Suite("Rejection kinds")
struct RejectionKindTests {
    @Test("every kind keeps the category name stores and `loom status` have always shown")
    func stableCategoryNames() {
        let names: [RejectionKind: String] = [
            .missingFile: "missing file", .unreadableFile: "unreadable file", .unreadableFolder: "unreadable folder",
            .notRegularFile: "not a regular file", .symlinkLoop: "symbolic link loop", .tooLarge: "file too large",
            .emptyFile: "empty file", .unsupportedFormat: "unsupported format", .tooManyPixels: "too many pixels",
            .corruptImage: "corrupt or truncated image", .badManifestLine: "manifest line not usable",
            .badAnnotation: "COCO annotation not usable", .boxOutsideImage: "box outside the image", .badDatasetRow: "dataset row not usable",
            .unusableSource: "source problem", .cannotWrite: "cannot write", .cancelled: "cancelled",
            .exactCopy: "exact copy (ingested once)", .nonUTF8Name: "file name not UTF-8 (ingested)",
            .wrongExtension: "extension does not match content (ingested)", .textNotRead: "text not read (ingested)",
            .corruptVideo: "corrupt or unreadable video", .noVideoStream: "no video stream",
            .unsupportedVideoCodec: "unsupported video codec", .emptyVideo: "video without frames",
            .badVideoAnnotation: "video annotation not usable", .variableFrameRate: "variable frame rate (ingested)",
            .segmentClipped: "segment cut at the video's end (ingested)", .overlappingSegments: "overlapping segments (ingested)",
            .boxesTurned: "boxes turned with the EXIF orientation (ingested)",
            .annotatedSizeMismatch: "annotated size differs from the image (boxes left out)",
            .changedSinceIngest: "changed since an earlier run (ingested again)",
            .goneSinceIngest: "gone since an earlier run (its image kept)",
            .hdrVideo: "HDR video tone-mapped to SDR (ingested)", .rotatedVideo: "video with a rotation tag (ingested)",
        ]
        #expect(Set(names.keys) == Set(RejectionKind.allCases))
        for (kind, name) in names {
            #expect(kind.category == name)
            let rejection = Rejection(subject: "a.jpg", stage: "ingest", kind: kind, reason: "why")
            #expect(rejection.category == name && rejection.kind == kind)
        }
        #expect(Rejection(subject: "a.jpg", stage: "ingest", category: "written by other code", reason: "why").kind == nil)
    }
}
