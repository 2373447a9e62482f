import Foundation
import LoomCore

/// COCO annotation files: `instances_*.json` (images; annotations with `bbox` `[x, y, width, height]`,
/// `category_id` and `iscrowd`; categories) and/or `captions_*.json` (images; annotations with `caption`).
///
/// The files are never decoded whole (COCO's train files are about 450 MB): each is memory-mapped, a small
/// bracket- and string-aware scanner (`JSONElementScanner`) finds the elements of the top-level `images`,
/// `categories` and `annotations` arrays, and each element is decoded on its own with `JSONDecoder`. Only compact
/// per-image annotations are kept.
public struct COCOSource: Sendable {
    public let instances: String?
    public let captions: String?
    public let imageRoot: String

    public init(instances: String?, captions: String?, imageRoot: String) {
        self.instances = instances
        self.captions = captions
        self.imageRoot = imageRoot
    }

    /// Parses the files, then emits the images in ascending COCO image id order.
    ///
    /// Rejections (the scan goes on):
    /// - an image whose file is missing under `imageRoot`: "<path>: listed in instances_val2017.json but missing";
    /// - a box partly outside its image is clipped to it; one entirely outside, or without area, is dropped:
    ///   "instances_val2017.json annotation 1234: box [700, 10, 20, 20] lies outside the 640×480 image" (the image
    ///   is still emitted, without that object);
    /// - annotations naming unknown image or category ids, elements missing required members, repeated ids.
    ///
    /// Throws `IngestFileError` naming the file when it cannot be read or is not COCO JSON (not JSON, no top-level
    /// object, no `images` array), and rethrows what `item` and `rejected` throw.
    public func scan(item: (SourceItem) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        var collection = Collection()
        let files = [(instances, AnnotationFile.instances), (captions, AnnotationFile.captions)].compactMap { path, kind in
            path.map { ($0, kind) }
        }
        guard !files.isEmpty else {
            throw IngestFileError("coco: neither an instances nor a captions file given", kind: .unusableSource)
        }
        for (path, kind) in files {
            try collection.read(file: path, kind: kind, rejected: rejected)
        }
        let root = SourcePath(imageRoot)
        for id in collection.images.keys.sorted() {
            let image = collection.images[id]!
            let path = root.resolving(SourcePath(image.fileName))
            if let problem = regularFileProblem(path) {
                let reason = problem == .noSuchFile ? "missing" : problem.reason
                try rejected(
                    SourceRejection(
                        subject: path.display, kind: problem.kind, reason: "listed in \(image.listedIn) but \(reason)"))
                continue
            }
            let annotations = ImageAnnotations(captions: image.captions, objects: image.objects)
            try item(SourceItem(
                path: path, annotations: annotations, origin: "coco \(image.listedIn)", annotatedWidth: image.width,
                annotatedHeight: image.height))
        }
    }

    /// Which kind of COCO file is being read.
    enum AnnotationFile { case instances, captions }

    /// One image as the files describe it.
    struct Image {
        var fileName: String
        var width: Double?
        var height: Double?
        /// The file that listed it first, for messages.
        var listedIn: String
        var objects: [AnnotatedObject] = []
        var captions: [String] = []
    }

    /// Everything read so far.
    struct Collection {
        var images: [Int: Image] = [:]

        mutating func read(
            file: String, kind: AnnotationFile, rejected: (SourceRejection) throws -> Void
        ) throws {
            let name = String(decoding: SourcePath(file).lastComponent, as: UTF8.self)
            let mapped: MappedFile
            do {
                mapped = try MappedFile(path: SourcePath(file))
            } catch let error as IngestFileError {
                throw error.rephrased("\(file): \(error.reason)")
            }
            try mapped.withBytes { bytes in
                let scanner = JSONElementScanner(bytes)
                func notCOCO(_ message: String, at offset: Int? = nil) -> IngestFileError {
                    guard let offset else {
                        return IngestFileError("\(name): not COCO JSON (\(message))", kind: .unusableSource)
                    }
                    let (line, column) = scanner.location(of: offset)
                    return IngestFileError(
                        "\(name): not COCO JSON (line \(line), column \(column): \(message))", kind: .unusableSource)
                }
                // Find the top-level arrays first: `categories` often comes after `annotations`.
                var sections: [String: Range<Int>] = [:]
                do {
                    let start = scanner.skipSpace(0)
                    guard start < bytes.count else { throw notCOCO("the file is empty") }
                    guard bytes[start] == 0x7B else { throw notCOCO("expected an object at the top", at: start) }
                    let end = try scanner.forEachMember(ofObjectAt: start) { key, value in
                        if ["images", "annotations", "categories"].contains(key) { sections[key] = value }
                    }
                    let rest = scanner.skipSpace(end)
                    guard rest == bytes.count else { throw notCOCO("more text after the top-level object", at: rest) }
                } catch let failure as JSONElementScanner.Failure {
                    throw notCOCO(failure.message, at: failure.offset)
                }
                guard sections["images"] != nil else { throw notCOCO("no \"images\" array") }

                /// Decodes each element of a section, turning malformed JSON into a thrown error and elements of the
                /// wrong shape into rejections.
                func forEach<T: Decodable>(
                    _ section: String, as type: T.Type, _ body: (Int, T) throws -> Void
                ) throws {
                    guard let range = sections[section] else { return }
                    guard bytes[range.lowerBound] == 0x5B else {
                        throw notCOCO("\"\(section)\" is not an array", at: range.lowerBound)
                    }
                    let decoder = JSONDecoder()
                    var index = 0
                    do {
                        try scanner.forEachElement(ofArrayAt: range.lowerBound) { element in
                            defer { index += 1 }
                            let value: T
                            do {
                                value = try decoder.decode(T.self, from: scanner.data(in: element))
                            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                                // Not JSON: the strict parser says what and where better than the decoder.
                                var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: bytes[element]))
                                do {
                                    _ = try parser.document()
                                } catch let error as JSONParseError {
                                    throw notCOCO(error.message, at: element.lowerBound + (error.offset ?? 0))
                                }
                                throw notCOCO(
                                    JSONParseError.shortReason(DecodingError.dataCorrupted(context)),
                                    at: element.lowerBound)
                            } catch let error as DecodingError {
                                try rejected(
                                    SourceRejection(
                                        subject: "\(name) \(section)[\(index)]", kind: .badAnnotation,
                                        reason: COCOSource.describe(error)))
                                return
                            }
                            try body(index, value)
                        }
                    } catch let failure as JSONElementScanner.Failure {
                        throw notCOCO(failure.message, at: failure.offset)
                    }
                }

                try forEach("images", as: ImageElement.self) { _, element in
                    if let known = images[element.id] {
                        if known.fileName != element.file_name {
                            try rejected(
                                SourceRejection(
                                    subject: "\(name) image \(element.id)", kind: .badAnnotation,
                                    reason: "file name \(element.file_name) differs from \(known.fileName) "
                                        + "in \(known.listedIn); kept the first"))
                        } else if known.listedIn == name {
                            try rejected(
                                SourceRejection(subject: "\(name) image \(element.id)", kind: .badAnnotation, reason: "listed twice"))
                        }
                        return
                    }
                    images[element.id] = Image(
                        fileName: element.file_name, width: element.width, height: element.height, listedIn: name)
                }

                switch kind {
                case .instances:
                    var categories: [Int: String] = [:]
                    try forEach("categories", as: CategoryElement.self) { _, element in
                        categories[element.id] = element.name
                    }
                    try forEach("annotations", as: InstanceElement.self) { index, element in
                        let subject = "\(name) annotation \(element.id.map(String.init) ?? "[\(index)]")"
                        guard images[element.image_id] != nil else {
                            try rejected(
                                SourceRejection(
                                    subject: subject, kind: .badAnnotation, reason: "unknown image id \(element.image_id)"))
                            return
                        }
                        guard let category = categories[element.category_id] else {
                            try rejected(
                                SourceRejection(
                                    subject: subject, kind: .badAnnotation,
                                    reason: "unknown category id \(element.category_id)"))
                            return
                        }
                        switch COCOSource.fit(element.bbox, in: images[element.image_id]!) {
                        case .failure(let problem):
                            try rejected(SourceRejection(subject: subject, kind: problem.kind, reason: problem.reason))
                        case .success(let box):
                            images[element.image_id]!.objects.append(
                                AnnotatedObject(category: category, box: box, isCrowd: (element.iscrowd ?? 0) != 0))
                        }
                    }
                case .captions:
                    try forEach("annotations", as: CaptionElement.self) { index, element in
                        let subject = "\(name) annotation \(element.id.map(String.init) ?? "[\(index)]")"
                        guard images[element.image_id] != nil else {
                            try rejected(
                                SourceRejection(
                                    subject: subject, kind: .badAnnotation, reason: "unknown image id \(element.image_id)"))
                            return
                        }
                        let caption = element.caption.trimmingCharacters(in: .whitespacesAndNewlines)
                        guard !caption.isEmpty else {
                            try rejected(SourceRejection(subject: subject, kind: .badAnnotation, reason: "empty caption"))
                            return
                        }
                        images[element.image_id]!.captions.append(caption)
                    }
                }
            }
        }
    }

    /// Why a box cannot be used: outside its image or without area (`.boxOutsideImage`), or not four numbers
    /// (`.badAnnotation`).
    struct BoxProblem: Error {
        var kind: RejectionKind
        var reason: String
    }

    /// The box clipped to the image (when its size is known; a box may reach 2 px or 2% past an edge), or why it
    /// cannot be used.
    static func fit(_ numbers: [Double], in image: Image) -> Result<Box, BoxProblem> {
        guard numbers.count == 4, numbers.allSatisfy(\.isFinite) else {
            return .failure(BoxProblem(kind: .badAnnotation, reason: "bbox must be [x, y, width, height], four numbers"))
        }
        let text = BoxText.format(numbers)
        guard numbers[2] > 0, numbers[3] > 0 else {
            return .failure(BoxProblem(kind: .boxOutsideImage, reason: "box \(text) has no area"))
        }
        var x0 = numbers[0]
        var y0 = numbers[1]
        var x1 = x0 + numbers[2]
        var y1 = y0 + numbers[3]
        if let width = image.width, let height = image.height, width > 0, height > 0 {
            let size = "\(BoxText.number(width))×\(BoxText.number(height))"
            // Smaller than a pixel, inside the first one: normalized coordinates, or a speck no question could use.
            if x1 < 1, y1 < 1, max(width, height) > 8 {
                return .failure(BoxProblem(
                    kind: .boxOutsideImage,
                    reason: "box \(text) lies within 0–1 on the \(size) image: it looks normalized, and COCO boxes are in pixels; left out"))
            }
            // Boxes rounded outward reach a little past the edge: clipped. One that reaches further was drawn for
            // another image or another size, and a clipped remnant of it would be a wrong answer.
            let overshoot = max(-x0, -y0, x1 - width, y1 - height)
            if overshoot > max(2, 0.02 * max(width, height)) {
                let outside = x1 <= 0 || y1 <= 0 || x0 >= width || y0 >= height
                return .failure(BoxProblem(
                    kind: .boxOutsideImage,
                    reason: outside
                        ? "box \(text) lies outside the \(size) image"
                        : "box \(text) reaches \(BoxText.number(overshoot.rounded())) px outside the \(size) image; left out"))
            }
            x0 = max(x0, 0)
            y0 = max(y0, 0)
            x1 = min(x1, width)
            y1 = min(y1, height)
            guard x1 > x0, y1 > y0 else {
                return .failure(BoxProblem(kind: .boxOutsideImage, reason: "box \(text) lies outside the \(size) image"))
            }
        }
        return .success(Box(x: x0, y: y0, width: x1 - x0, height: y1 - y0))
    }

    /// A decoding error in plain words: "no \"image_id\"", "\"bbox\" is not the expected type".
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = place(context.codingPath)
            return "no \"\(key.stringValue)\"" + (parent.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\"\(place(context.codingPath))\" is not \(typeName(type))"
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is [Double].Type: return "an array of numbers"
        default: return "of the expected type"
        }
    }

    // The shapes of COCO's elements; members not named here are skipped.

    struct ImageElement: Decodable {
        var id: Int
        var file_name: String
        var width: Double?
        var height: Double?
    }

    struct CategoryElement: Decodable {
        var id: Int
        var name: String
    }

    struct InstanceElement: Decodable {
        var id: Int?
        var image_id: Int
        var category_id: Int
        var bbox: [Double]
        var iscrowd: Int?
    }

    struct CaptionElement: Decodable {
        var id: Int?
        var image_id: Int
        var caption: String
    }
}
