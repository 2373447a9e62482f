import LoomCore

/// A collection of the user's own images that a recipe ingests. Paths are as written in the recipe: relative
/// ones are resolved against the recipe file's folder when the run starts.
public enum CollectionSource: Codable, Sendable, Hashable {
    /// Every image file under a folder, recursively.
    case folder(path: String, include: [String], exclude: [String])
    /// A JSONL manifest: one JSON object per image with its annotations.
    case manifest(file: String, imageRoot: String?)
    /// COCO annotation files (`instances_*.json`, `captions_*.json`) and the folder of their images.
    case coco(instances: String?, captions: String?, images: String)
    /// An existing dataset whose rows become multi-image records (its images are ingested like any others).
    case dataset(DatasetConversion)

    /// How the source is named in messages and progress lines.
    public var label: String {
        switch self {
        case .folder(let path, _, _): "folder \(path)"
        case .manifest(let file, _): "manifest \(file)"
        case .coco(let instances, let captions, _): "coco \(instances ?? captions ?? "")"
        case .dataset(let conversion): "dataset \(conversion.file)"
        }
    }
}

/// Settings of the ingest stage: how each image of a collection is normalized and checked.
public struct IngestSettings: Codable, Sendable, Hashable {
    /// Longest side of the normalized JPEG that models are fed (vision APIs work at about 512 px).
    public var longestSide: Int
    /// Longest side of the review app's thumbnail.
    public var thumbnailSide: Int
    /// JPEG quality of the normalized image and the thumbnail.
    public var jpegQuality: Int
    /// Images whose perceptual hashes differ in at most this many of 64 bits are near-duplicates.
    public var nearDuplicateDistance: Int
    /// Images with more pixels than this are refused before decoding (decompression bombs).
    public var maxMegapixels: Int
    /// Files larger than this are refused without being read.
    public var maxFileMegabytes: Int
    /// Read text lines in every image with tesseract and keep them as annotations.
    public var ocr: Bool

    public init(
        longestSide: Int = 512, thumbnailSide: Int = 160, jpegQuality: Int = 90, nearDuplicateDistance: Int = 6,
        maxMegapixels: Int = 100, maxFileMegabytes: Int = 256, ocr: Bool = false
    ) {
        self.longestSide = longestSide
        self.thumbnailSide = thumbnailSide
        self.jpegQuality = jpegQuality
        self.nearDuplicateDistance = nearDuplicateDistance
        self.maxMegapixels = maxMegapixels
        self.maxFileMegabytes = maxFileMegabytes
        self.ocr = ocr
    }
}
