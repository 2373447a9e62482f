import CTesseract
import Foundation
import LoomCore
import LoomMedia

/// Reads text lines with tesseract (LSTM engine).
///
/// One instance per thread: a tesseract engine is not thread-safe, so `TextRecognizer` is deliberately not
/// `Sendable`. Creating one loads the language model (tens of milliseconds); reuse it for many images.
/// Tesseract parallelises its LSTM with OpenMP; when running one recognizer per core, call
/// `TesseractThreads.limitToOne()` on each thread before its first recognizer to avoid oversubscribing the cores.
public final class TextRecognizer {
    /// How tesseract looks for text on the page.
    public enum Segmentation: Sendable, Hashable {
        /// Blocks, paragraphs and lines of a document page (tesseract's PSM_AUTO).
        case auto
        /// As much text as possible in no particular order: scattered signs and labels (PSM_SPARSE_TEXT).
        case sparse
        /// The image is one line of text, e.g. a crop of a single sign (PSM_SINGLE_LINE).
        case singleLine
    }

    /// How the image becomes black ink on white paper before tesseract looks for lines.
    public enum Binarization: Sendable, Hashable {
        /// Tesseract's own global (Otsu) threshold: right for documents and photos of pages, where text is a good
        /// share of the image. On Loom's scenes it fails almost completely (character error rate about 1): the
        /// threshold lands between background textures, gradients and object shading, not around the small text.
        case automatic
        /// Only pixels with gray level below `below` (0...255) are ink; everything else is paper. Right for dark
        /// text on a lighter but busy ground. Loom's scene signs draw text at gray 26 with borders at 64, while
        /// dotted, grid and wood textures, gradients and most object shading stay lighter, so `.darkInk(below: 40)`
        /// keeps the letters and drops the rest (see `sceneSigns`).
        case darkInk(below: UInt8)

        /// The setting measured best on Loom's rendered scenes: `.darkInk(below: 40)`.
        public static let sceneSigns = Binarization.darkInk(below: 40)
    }

    /// The tesseract language code(s) the model was loaded for, e.g. "eng" or "eng+deu".
    public let language: String
    /// How pages are segmented into lines. Sparse by default: scene text is a few scattered signs, and on ten
    /// seeded 768×576 scenes (dark-ink binarization) sparse read the signs with a character error rate of 0.05
    /// against 0.14 for `.auto`, which merges or drops signs near objects.
    public var segmentation: Segmentation = .sparse
    /// How the image is binarized; `.automatic` (tesseract's own) by default, `.sceneSigns` for Loom's scenes.
    public var binarization: Binarization = .automatic
    /// Images are enlarged this many times (bilinear) before recognition; 1 (the default) turns it off. Enlarging
    /// helps text smaller than about 10 pixels; scene signs (capitals 15–19 pixels tall) read no better at 2×
    /// (same error rate) while recognition takes 6 times longer.
    public var upscale: Int = 1

    private let handle: OpaquePointer

    /// Loads a tesseract language model.
    ///
    /// - Parameters:
    ///   - language: tesseract language code, e.g. "eng"; several joined with "+" ("eng+deu").
    ///   - dataPath: the tessdata folder holding `<language>.traineddata`, or nil for tesseract's default
    ///     (`TESSDATA_PREFIX` or the system folder).
    /// - Throws: `OCRError` when the model is missing, e.g. "tesseract has no 'deu' model installed; apt install
    ///   tesseract-ocr-deu".
    public init(language: String = "eng", dataPath: String? = nil) throws {
        guard let handle = TessBaseAPICreate() else { throw OCRError("tesseract could not be started") }
        // Tesseract writes its notes ("Error opening data file …", "Empty page!!") through tprintf to this file.
        TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        let status = TessBaseAPIInit2(handle, dataPath, language, OEM_LSTM_ONLY)
        guard status == 0 else {
            TessBaseAPIEnd(handle)
            TessBaseAPIDelete(handle)
            throw OCRError(Self.missingModelReason(language: language, dataPath: dataPath))
        }
        TessBaseAPISetVariable(handle, "debug_file", "/dev/null")
        self.handle = handle
        self.language = language
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// Sets a tesseract parameter (e.g. "tessedit_char_whitelist"); false when tesseract knows no such name.
    @discardableResult
    public func setVariable(_ name: String, _ value: String) -> Bool {
        TessBaseAPISetVariable(handle, name, value) != 0
    }

    static func missingModelReason(language: String, dataPath: String?) -> String {
        let codes = language.split(separator: "+").map(String.init)
        let names = codes.map { "'\($0)'" }.joined(separator: " or ")
        if let dataPath {
            let files = codes.map { "\($0).traineddata" }.joined(separator: ", ")
            return "tesseract could not load the \(names) model from \(dataPath); is \(files) there?"
        }
        let packages = codes.map { "tesseract-ocr-\($0)" }.joined(separator: " ")
        return "tesseract has no \(names) model installed; apt install \(packages)"
    }

    /// The text lines in an image (tesseract's RIL_TEXTLINE level), in reading order.
    ///
    /// Lines whose text is empty after trimming are dropped; text is trimmed of surrounding whitespace.
    /// Boxes are in pixels of the given image; confidence is tesseract's 0...100.
    ///
    /// - Parameters:
    ///   - pixels: 8-bit samples, rows `bytesPerRow` bytes apart, top row first.
    ///   - channels: 1 (gray), 3 (red, green, blue) or 4 (blue, green, red, alpha — the byte order of
    ///     `PixelBuffer`, with premultiplied alpha composited over white). RGBA data passed as 4 channels is read
    ///     with red and blue swapped, which only changes the gray weights slightly.
    /// - Throws: `OCRError` when the sizes do not describe the buffer or tesseract fails.
    public func lines(
        pixels: UnsafeRawBufferPointer, width: Int, height: Int, channels: Int, bytesPerRow: Int
    ) throws -> [TextLine] {
        guard width > 0, height > 0 else {
            throw OCRError("the image is \(width)×\(height) pixels; it needs a positive width and height")
        }
        guard [1, 3, 4].contains(channels) else {
            throw OCRError("images need 1, 3 or 4 channels, not \(channels)")
        }
        guard bytesPerRow >= width * channels else {
            throw OCRError("rows of \(bytesPerRow) bytes cannot hold \(width) pixels of \(channels) bytes")
        }
        guard pixels.count >= (height - 1) * bytesPerRow + width * channels else {
            throw OCRError("the pixel data (\(pixels.count) bytes) is shorter than a \(width)×\(height) image")
        }
        let scale = max(1, upscale)
        var gray = GrayImage(pixels: pixels, width: width, height: height, channels: channels, bytesPerRow: bytesPerRow)
            .upscaled(by: scale)
        if case .darkInk(let threshold) = binarization {
            gray = gray.binarized(below: threshold)
        }
        return try recognize(gray, scale: Double(scale), width: width, height: height)
    }

    /// The text lines in a drawn scene (or any `PixelBuffer`); see `lines(pixels:width:height:channels:bytesPerRow:)`.
    public func lines(in buffer: PixelBuffer) throws -> [TextLine] {
        try buffer.pixels.withUnsafeBytes { bytes in
            try lines(pixels: bytes, width: buffer.width, height: buffer.height, channels: 4, bytesPerRow: buffer.bytesPerRow)
        }
    }

    /// The text lines inside `region` of a buffer (clipped to the buffer), with boxes in the buffer's pixels.
    ///
    /// Reading a crop is how to read a sign whose place is known: tesseract sees nothing else. Empty when the
    /// region lies outside the buffer.
    public func lines(in buffer: PixelBuffer, region: Box) throws -> [TextLine] {
        let left = max(0, Int(region.x.rounded(.down)))
        let top = max(0, Int(region.y.rounded(.down)))
        let right = min(buffer.width, Int((region.x + region.width).rounded(.up)))
        let bottom = min(buffer.height, Int((region.y + region.height).rounded(.up)))
        guard right > left, bottom > top else { return [] }
        let found = try buffer.pixels.withUnsafeBytes { bytes in
            let start = top * buffer.bytesPerRow + 4 * left
            let crop = UnsafeRawBufferPointer(rebasing: bytes[start...])
            return try lines(
                pixels: crop, width: right - left, height: bottom - top, channels: 4, bytesPerRow: buffer.bytesPerRow)
        }
        return found.map { line in
            var line = line
            line.box.x += Double(left)
            line.box.y += Double(top)
            return line
        }
    }

    func recognize(_ image: GrayImage, scale: Double, width: Int, height: Int) throws -> [TextLine] {
        // Tesseract cannot segment images only a few pixels across; they hold no readable text anyway.
        guard image.width >= 8, image.height >= 8 else { return [] }
        defer { TessBaseAPIClear(handle) }
        TessBaseAPISetPageSegMode(handle, pageSegMode)
        image.pixels.withUnsafeBufferPointer { bytes in
            TessBaseAPISetImage(
                handle, bytes.baseAddress, Int32(image.width), Int32(image.height), 1, Int32(image.width))
        }
        // Screen images carry no resolution; say so, or tesseract guesses (and prints a warning). 300 read scene
        // signs a little better than 96 or 50.
        TessBaseAPISetSourceResolution(handle, Int32(300 * scale))
        guard TessBaseAPIRecognize(handle, nil) == 0 else {
            throw OCRError("tesseract could not recognize the \(width)×\(height) image")
        }
        guard let results = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(results) }
        guard let page = TessResultIteratorGetPageIterator(results) else { return [] }
        var lines: [TextLine] = []
        repeat {
            guard let utf8 = TessResultIteratorGetUTF8Text(results, RIL_TEXTLINE) else { continue }
            let text = String(cString: utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            TessDeleteText(utf8)
            guard !text.isEmpty else { continue }
            var (left, top, right, bottom): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
            guard TessPageIteratorBoundingBox(page, RIL_TEXTLINE, &left, &top, &right, &bottom) != 0 else { continue }
            let x0 = min(Double(width), max(0, Double(left) / scale))
            let y0 = min(Double(height), max(0, Double(top) / scale))
            let x1 = min(Double(width), max(x0, Double(right) / scale))
            let y1 = min(Double(height), max(y0, Double(bottom) / scale))
            let confidence = Double(TessResultIteratorConfidence(results, RIL_TEXTLINE))
            lines.append(TextLine(
                text: text, box: Box(x: x0, y: y0, width: x1 - x0, height: y1 - y0),
                confidence: min(100, max(0, confidence))))
        } while TessPageIteratorNext(page, RIL_TEXTLINE) != 0
        return lines
    }

    private var pageSegMode: TessPageSegMode {
        switch segmentation {
        case .auto: PSM_AUTO
        case .sparse: PSM_SPARSE_TEXT
        case .singleLine: PSM_SINGLE_LINE
        }
    }
}

/// A tesseract engine must stay on one thread.
@available(*, unavailable)
extension TextRecognizer: Sendable {}
