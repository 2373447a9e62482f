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
    /// Read the text lines of every image with tesseract and keep them as annotations (images whose source
    /// already gives text lines, e.g. a manifest's `ocr`, keep those and are not read).
    public var ocr: Bool
    /// Lines tesseract is less sure of than this (0...100) are dropped. 50 by default: on photographs, lines
    /// below it are mostly texture read as letters.
    public var ocrMinConfidence: Double
    /// The tesseract language model(s) OCR uses, e.g. "eng" or "eng+deu" (apt package `tesseract-ocr-<code>`).
    public var ocrLanguage: String

    public init(
        longestSide: Int = 512, thumbnailSide: Int = 160, jpegQuality: Int = 90, nearDuplicateDistance: Int = 6,
        maxMegapixels: Int = 100, maxFileMegabytes: Int = 256, ocr: Bool = false, ocrMinConfidence: Double = 50,
        ocrLanguage: String = "eng"
    ) {
        self.longestSide = longestSide
        self.thumbnailSide = thumbnailSide
        self.jpegQuality = jpegQuality
        self.nearDuplicateDistance = nearDuplicateDistance
        self.maxMegapixels = maxMegapixels
        self.maxFileMegabytes = maxFileMegabytes
        self.ocr = ocr
        self.ocrMinConfidence = ocrMinConfidence
        self.ocrLanguage = ocrLanguage
    }

    private enum CodingKeys: String, CodingKey {
        case longestSide, thumbnailSide, jpegQuality, nearDuplicateDistance, maxMegapixels, maxFileMegabytes, ocr
        case ocrMinConfidence, ocrLanguage
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = IngestSettings()
        self.init(
            longestSide: try container.decode(Int.self, forKey: .longestSide),
            thumbnailSide: try container.decode(Int.self, forKey: .thumbnailSide),
            jpegQuality: try container.decode(Int.self, forKey: .jpegQuality),
            nearDuplicateDistance: try container.decode(Int.self, forKey: .nearDuplicateDistance),
            maxMegapixels: try container.decode(Int.self, forKey: .maxMegapixels),
            maxFileMegabytes: try container.decode(Int.self, forKey: .maxFileMegabytes),
            ocr: try container.decode(Bool.self, forKey: .ocr),
            ocrMinConfidence: try container.decodeIfPresent(Double.self, forKey: .ocrMinConfidence)
                ?? defaults.ocrMinConfidence,
            ocrLanguage: try container.decodeIfPresent(String.self, forKey: .ocrLanguage) ?? defaults.ocrLanguage)
    }

    /// The OCR settings are written only when OCR is on: the encoding is part of the run's fingerprint, and a
    /// setting that changes nothing must not make an existing run directory look like another recipe's.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(longestSide, forKey: .longestSide)
        try container.encode(thumbnailSide, forKey: .thumbnailSide)
        try container.encode(jpegQuality, forKey: .jpegQuality)
        try container.encode(nearDuplicateDistance, forKey: .nearDuplicateDistance)
        try container.encode(maxMegapixels, forKey: .maxMegapixels)
        try container.encode(maxFileMegabytes, forKey: .maxFileMegabytes)
        try container.encode(ocr, forKey: .ocr)
        if ocr {
            try container.encode(ocrMinConfidence, forKey: .ocrMinConfidence)
            try container.encode(ocrLanguage, forKey: .ocrLanguage)
        }
    }
}
