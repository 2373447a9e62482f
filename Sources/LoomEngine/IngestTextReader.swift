import Foundation
import LoomCore
import LoomMedia
import LoomOCR
import LoomRecipe

/// Reads the text lines of ingested images with tesseract, for `stages.ingest.ocr`.
///
/// The same bytes always give the same lines: the image OCR sees depends only on the file, and tesseract is
/// deterministic for a given image and model.
struct IngestTextReader: Sendable {
    /// OCR reads the image scaled to this longest side (never enlarged). The 512-px normalized image leaves
    /// ordinary photo text a few pixels tall, below what tesseract reads; much more than 1600 px costs time
    /// (recognition grows with the pixel count) and reads little more.
    static let longestSide = 1600

    let language: String
    /// Lines tesseract is less sure of (0...100) are dropped.
    let minimumConfidence: Double

    init(settings: IngestSettings) {
        language = settings.ocrLanguage
        minimumConfidence = settings.ocrMinConfidence
    }

    /// Checks, before any work starts, that tesseract can load the language model, so that a missing model is
    /// one clear error naming the package to install rather than a failure on every image.
    ///
    /// - Throws: `LoomError` of kind `.recipe` about `stages.ingest.ocr_language`, e.g. "OCR is on, but tesseract
    ///   has no 'deu' model installed; apt install tesseract-ocr-deu".
    static func checkModel(language: String) throws {
        TesseractThreads.limitToOne()
        do {
            _ = try TextRecognizer(language: language)
        } catch {
            throw LoomError(.recipe, "OCR is on, but \(error)", subject: "stages.ingest.ocr_language")
        }
    }

    /// The text lines in `image`, a decoded picture whose displayed original is `originalWidth`×`originalHeight`.
    ///
    /// Boxes are in the original's pixels (scaled from the image read and clipped to the original); lines below
    /// the minimum confidence and lines of only whitespace are left out.
    ///
    /// - Throws: `OCRError` when tesseract cannot load its model or fails on the image.
    func lines(in image: RGBImage, originalWidth: Int, originalHeight: Int) throws -> [TextLine] {
        let recognizer = try Self.recognizer(language: language)
        let found = try image.pixels.withUnsafeBytes { bytes in
            try recognizer.lines(
                pixels: bytes, width: image.width, height: image.height, channels: 3, bytesPerRow: 3 * image.width)
        }
        let scaleX = Double(originalWidth) / Double(image.width)
        let scaleY = Double(originalHeight) / Double(image.height)
        let (width, height) = (Double(originalWidth), Double(originalHeight))
        return found.compactMap { line in
            guard line.confidence >= minimumConfidence, !line.text.allSatisfy(\.isWhitespace) else { return nil }
            let x0 = min(width, line.box.x * scaleX)
            let y0 = min(height, line.box.y * scaleY)
            let x1 = min(width, line.box.maxX * scaleX)
            let y1 = min(height, line.box.maxY * scaleY)
            return TextLine(
                text: line.text, box: Box(x: x0, y: y0, width: x1 - x0, height: y1 - y0), confidence: line.confidence)
        }
    }

    /// This thread's recognizer for `language`, made on first use.
    ///
    /// A `TextRecognizer` must stay on the thread that made it and loading its model takes tens of milliseconds,
    /// so each CPU worker thread keeps its own in its thread dictionary and reuses it for every image: no lock, no
    /// sharing, one model load per thread. The pool's threads last as long as the run, and so do the recognizers.
    private static func recognizer(language: String) throws -> TextRecognizer {
        let key = "loom.ingest.textRecognizer.\(language)"
        let threadStorage = Thread.current.threadDictionary
        if let recognizer = threadStorage[key] as? TextRecognizer { return recognizer }
        TesseractThreads.limitToOne()
        let recognizer = try TextRecognizer(language: language)
        // Photographs: tesseract's own (Otsu) threshold, and sparse segmentation for scattered signs and labels.
        recognizer.binarization = .automatic
        recognizer.segmentation = .sparse
        threadStorage[key] = recognizer
        return recognizer
    }
}
