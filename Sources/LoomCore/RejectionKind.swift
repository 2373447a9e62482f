/// Why a stage could not use a piece of input, or the caveat it was used with: the group `loom status` lists it
/// under.
///
/// The raw value is the category's display name, which is also what the store keeps in `rejections.category`.
/// Raw values are stable: changing one changes stored runs and their content hashes; renaming a case does not.
public enum RejectionKind: String, Sendable, Hashable, Codable, CaseIterable {
    // A file or folder that could not be read.

    /// No file at the path (also a dangling symbolic link, or a file that vanished during the run).
    case missingFile = "missing file"
    /// The file exists but could not be opened or read (permission denied, input/output error, …).
    case unreadableFile = "unreadable file"
    /// A folder inside a folder source that could not be opened or listed; the rest of the source is walked.
    case unreadableFolder = "unreadable folder"
    /// A directory, FIFO, socket or device where an image file was expected.
    case notRegularFile = "not a regular file"
    /// A symbolic link that leads back to a folder being walked, or a cycle of links.
    case symlinkLoop = "symbolic link loop"
    /// A file larger than `stages.ingest.max_file_mb`, refused without being read.
    case tooLarge = "file too large"

    // A file whose bytes are not a usable image.

    /// Zero bytes.
    case emptyFile = "empty file"
    /// A format Loom does not read (GIF, TIFF, BMP, …, animated WebP) or no image at all.
    case unsupportedFormat = "unsupported format"
    /// A header claiming more pixels than `stages.ingest.max_megapixels` (a decompression bomb, say).
    case tooManyPixels = "too many pixels"
    /// Bytes the decoder gave up on: truncated, corrupt, or a codec failure.
    case corruptImage = "corrupt or truncated image"

    // A file whose bytes are not a usable video.

    /// A container libavformat cannot read, or a truncated or damaged one.
    case corruptVideo = "corrupt or unreadable video"
    /// A container with no video stream (audio only, subtitles).
    case noVideoStream = "no video stream"
    /// A video stream whose codec this machine's libavcodec cannot decode.
    case unsupportedVideoCodec = "unsupported video codec"
    /// A video stream with no duration or no decodable frame.
    case emptyVideo = "video without frames"

    // Annotations a source could not use.

    /// A manifest line that is not JSON, not an object, lacks the image path or has malformed annotations.
    case badManifestLine = "manifest line not usable"
    /// A COCO element of the wrong shape, naming unknown ids, repeated, or an empty caption.
    case badAnnotation = "COCO annotation not usable"
    /// A box that lies outside its image, or has no area; the image is kept without it.
    case boxOutsideImage = "box outside the image"
    /// A row of a converted dataset that is not JSON, lacks a column its task needs, has a label that means
    /// nothing, or names an image that was not ingested.
    case badDatasetRow = "dataset row not usable"

    /// A video annotation that is not usable: an entry of the wrong shape, a segment that ends before it starts
    /// or lies wholly after the video's end, a narration after the end. The video is kept without it.
    case badVideoAnnotation = "video annotation not usable"

    // The run itself.

    /// A whole source that could not be read (its file unreadable, not COCO JSON, …); nothing of it was used.
    case unusableSource = "source problem"
    /// The normalized image or thumbnail could not be written into the run directory.
    case cannotWrite = "cannot write"
    /// The run stopped before the file was read.
    case cancelled = "cancelled"

    // Notes: the input was used, with a caveat.

    /// The same bytes as an image ingested earlier; stored once.
    case exactCopy = "exact copy (ingested once)"
    /// The file name is not valid UTF-8; it is shown with `\xNN` escapes.
    case nonUTF8Name = "file name not UTF-8 (ingested)"
    /// The extension names another format than the content has; the content decides.
    case wrongExtension = "extension does not match content (ingested)"
    /// Text recognition (`stages.ingest.ocr`) failed on the image; it was ingested without text lines.
    case textNotRead = "text not read (ingested)"

    /// The frames of the video are not evenly spaced in time; frames were taken by their timestamps.
    case variableFrameRate = "variable frame rate (ingested)"
    /// The video is HDR (PQ or HLG); its frames were tone-mapped to SDR.
    case hdrVideo = "HDR video tone-mapped to SDR (ingested)"
    /// The video carries a rotation (a phone's portrait video): its frames were turned upright, the kept file
    /// was not, and video loaders that ignore the tag (PyAV, decord) give trainers its frames on their side.
    case rotatedVideo = "video with a rotation tag (ingested)"
    /// Boxes drawn on the image's stored pixels (the annotated size is the stored one) were turned with its
    /// EXIF orientation.
    case boxesTurned = "boxes turned with the EXIF orientation (ingested)"
    /// A file whose size or modification time changed since an earlier run ingested it: ingested again as the
    /// image it is now (the earlier version's records stay).
    case changedSinceIngest = "changed since an earlier run (ingested again)"
    /// A file an earlier run ingested that this run's walk did not find (deleted, moved, or its folder could not
    /// be read): its image and the records made from it stay in the run.
    case goneSinceIngest = "gone since an earlier run (its image kept)"
    /// The annotated image size matches neither the image nor its stored frame: its boxes were left out.
    case annotatedSizeMismatch = "annotated size differs from the image (boxes left out)"
    /// A segment that runs past the end of the video was cut at the end.
    case segmentClipped = "segment cut at the video's end (ingested)"
    /// Two segments of a video overlap; order questions leave such pairs out.
    case overlappingSegments = "overlapping segments (ingested)"

    /// The category's display name: what `loom status` shows and the store keeps.
    public var category: String { rawValue }

    /// Whether the input was used with a caveat (a note), rather than left out. A box left out of an image is not
    /// a note of the annotation's: the annotation was not used (the image's own note says its boxes were cut).
    public var isNote: Bool {
        switch self {
        case .exactCopy, .nonUTF8Name, .wrongExtension, .textNotRead, .variableFrameRate, .hdrVideo, .rotatedVideo,
            .boxesTurned, .changedSinceIngest, .goneSinceIngest, .annotatedSizeMismatch, .segmentClipped,
            .overlappingSegments:
            true
        default:
            false
        }
    }
}
