import LoomCore

/// A JSONL manifest: one JSON object per line, naming an image and what is known about it.
///
/// ```
/// {"image": "cats/tom.jpg", "captions": ["A grey cat."], "tags": ["cat"],
///  "objects": [{"category": "cat", "box": [10, 20, 200, 150]}],
///  "ocr": [{"text": "EXIT", "box": [5, 5, 40, 12], "confidence": 97}], "license": "CC-BY"}
/// ```
///
/// - The image: `image`, else `path`, else `file_name`: a non-empty string. Relative paths resolve against
///   `imageRoot` (by default the manifest's folder).
/// - `captions`: strings (or one string); `caption`: one string, added after `captions`.
/// - `tags`: strings (or one string).
/// - `objects`: objects with `category` (or `label`), `box` (or `bbox`) as `[x, y, width, height]` in pixels, and
///   optionally `iscrowd` (0/1 or a boolean).
/// - `ocr`: text lines `{"text": …, "box": [x, y, width, height], "confidence": 0…100}` (confidence defaults to 100,
///   as for ground truth). `text` is read the same way when it is an array; any other `text` is an ordinary field.
/// - Every other member is kept in `ImageAnnotations.fields` as compact JSON text (object keys sorted).
///
/// A line whose annotations are malformed is rejected whole rather than used in part: partial ground truth
/// would make wrong answers (a missing object makes a count wrong).
public struct ManifestSource: Sendable {
    public let file: String
    public let imageRoot: String?

    public init(file: String, imageRoot: String? = nil) {
        self.file = file
        self.imageRoot = imageRoot
    }

    /// Streams the manifest line by line through a fixed buffer (memory does not grow with the file).
    ///
    /// Blank lines are skipped. A line that is not JSON, not an object, lacks an image path, has malformed
    /// annotations, or names an image that is missing or not a regular file becomes a rejection with subject
    /// "data.jsonl:12" and a reason such as "not JSON (unexpected character …)"; the scan goes on. Throws
    /// `IngestFileError` naming the manifest when it cannot be opened or read, and rethrows what `item` and
    /// `rejected` throw.
    public func scan(item: (SourceItem) throws -> Void, rejected: (SourceRejection) throws -> Void) throws {
        let manifestPath = SourcePath(file)
        let name = String(decoding: manifestPath.lastComponent, as: UTF8.self)
        let root = imageRoot.map(SourcePath.init) ?? manifestPath.parent
        let reader: LineReader
        do {
            reader = try LineReader(path: manifestPath)
        } catch let error as IngestFileError {
            throw error.rephrased("manifest \(file): \(error.reason)")
        }
        while true {
            let line: LineReader.Line?
            do {
                line = try reader.next()
            } catch let error as IngestFileError {
                throw error.rephrased("manifest \(file): \(error.reason) after line \(reader.lineNumber)")
            }
            guard let line else { break }
            let subject = "\(name):\(reader.lineNumber)"
            guard case .text(let bytes) = line else {
                try rejected(
                    SourceRejection(
                        subject: subject, kind: .badManifestLine,
                        reason: "line is longer than \(reader.maxLineBytes) bytes"))
                continue
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            switch ManifestSource.parse(line: bytes) {
            case .failure(let problem):
                try rejected(SourceRejection(subject: subject, kind: .badManifestLine, reason: problem.reason))
            case .success(let (image, annotations)):
                let path = root.resolving(SourcePath(image))
                if let problem = regularFileProblem(path) {
                    try rejected(
                        SourceRejection(subject: subject, kind: problem.kind, reason: "image \(path.display): \(problem)"))
                    continue
                }
                try item(SourceItem(path: path, annotations: annotations, origin: "manifest \(subject)"))
            }
        }
    }

    /// Why a manifest line cannot be used.
    struct LineProblem: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The image path and annotations of one line.
    static func parse(line: [UInt8]) -> Result<(String, ImageAnnotations), LineProblem> {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            return .failure(LineProblem("not JSON (\(error.reason))"))
        }
        guard case .object(var members) = value else {
            return .failure(LineProblem("not a JSON object (\(value.kindName))"))
        }
        do {
            return .success(try annotations(from: &members))
        } catch let problem as LineProblem {
            return .failure(problem)
        } catch {
            return .failure(LineProblem("\(error)"))
        }
    }

    private static func annotations(from members: inout [String: JSONValue]) throws -> (String, ImageAnnotations) {
        guard let imageKey = ["image", "path", "file_name"].first(where: { members[$0] != nil }) else {
            throw LineProblem("no image path (expected \"image\", \"path\" or \"file_name\")")
        }
        guard let image = members.removeValue(forKey: imageKey)?.stringValue, !image.isEmpty else {
            throw LineProblem("\"\(imageKey)\" must be a non-empty string")
        }
        var result = ImageAnnotations()
        if let value = members.removeValue(forKey: "captions") {
            result.captions = try strings(value, key: "captions")
        }
        if let value = members.removeValue(forKey: "caption") {
            guard let caption = value.stringValue else { throw LineProblem("\"caption\" must be a string") }
            result.captions.append(caption)
        }
        if let value = members.removeValue(forKey: "tags") {
            result.tags = try strings(value, key: "tags")
        }
        if let value = members.removeValue(forKey: "objects") {
            guard case .array(let list) = value else { throw LineProblem("\"objects\" must be an array") }
            result.objects = try list.enumerated().map { try object($1, at: "objects[\($0)]") }
        }
        for key in ["ocr", "text"] {
            guard let value = members[key] else { continue }
            guard case .array(let list) = value else {
                if key == "text" { continue }  // not text lines: an ordinary field
                throw LineProblem("\"\(key)\" must be an array")
            }
            members[key] = nil
            result.text += try list.enumerated().map { try textLine($1, at: "\(key)[\($0)]") }
        }
        for (key, value) in members {
            result.fields[key] = value.jsonText
        }
        return (image, result)
    }

    private static func strings(_ value: JSONValue, key: String) throws -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let list):
            return try list.map {
                guard let text = $0.stringValue else { throw LineProblem("\"\(key)\" must hold strings only") }
                return text
            }
        default: throw LineProblem("\"\(key)\" must be an array of strings")
        }
    }

    private static func object(_ value: JSONValue, at place: String) throws -> AnnotatedObject {
        guard case .object(let members) = value else { throw LineProblem("\(place) must be an object") }
        guard let category = (members["category"] ?? members["label"])?.stringValue else {
            throw LineProblem("\(place) has no \"category\" (or \"label\") string")
        }
        guard let boxValue = members["box"] ?? members["bbox"] else {
            throw LineProblem("\(place) has no \"box\" (or \"bbox\")")
        }
        let box = try self.box(boxValue, at: place)
        var isCrowd = false
        if let crowd = members["iscrowd"] ?? members["is_crowd"] {
            switch crowd {
            case .bool(let flag): isCrowd = flag
            case .integer(let number): isCrowd = number != 0
            default: throw LineProblem("\(place) \"iscrowd\" must be 0, 1 or a boolean")
            }
        }
        return AnnotatedObject(category: category, box: box, isCrowd: isCrowd)
    }

    private static func textLine(_ value: JSONValue, at place: String) throws -> TextLine {
        guard case .object(let members) = value else { throw LineProblem("\(place) must be an object") }
        guard let text = members["text"]?.stringValue else { throw LineProblem("\(place) has no \"text\" string") }
        guard let boxValue = members["box"] ?? members["bbox"] else { throw LineProblem("\(place) has no \"box\"") }
        let box = try self.box(boxValue, at: place)
        var confidence = 100.0
        if let value = members["confidence"] {
            guard let number = value.doubleValue, number >= 0, number <= 100 else {
                throw LineProblem("\(place) \"confidence\" must be a number from 0 to 100")
            }
            confidence = number
        }
        return TextLine(text: text, box: box, confidence: confidence)
    }

    private static func box(_ value: JSONValue, at place: String) throws -> Box {
        guard case .array(let list) = value, list.count == 4,
            case let numbers = list.compactMap(\.doubleValue), numbers.count == 4, numbers.allSatisfy(\.isFinite)
        else {
            throw LineProblem("\(place) box must be [x, y, width, height], four numbers")
        }
        guard numbers[2] > 0, numbers[3] > 0 else {
            throw LineProblem("\(place) box \(BoxText.format(numbers)) has no area")
        }
        return Box(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }
}

/// Boxes and sizes in messages: whole numbers without a decimal point.
public enum BoxText {
    /// A size or coordinate: "640", or "12.5".
    public static func number(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    static func format(_ numbers: [Double]) -> String { "[" + numbers.map(number).joined(separator: ", ") + "]" }
}
