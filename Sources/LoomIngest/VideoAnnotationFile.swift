import LoomCore

/// A JSON file of timestamped annotations for the videos of a folder, matched to each video by name.
///
/// Two layouts are read:
/// - an object keyed by video (`{"clip.mp4": {…}, "v_QOlSCBRmfWY": {…}}`; ActivityNet Captions is such a file);
/// - an array of objects each naming its `video` (`[{"video": "clips/a.mp4", …}]`).
///
/// An entry holds any of:
/// - `segments`: `[{"start": 1.5, "end": 4.0, "text": "…"}]` (`caption` or `sentence` for `text`), or ActivityNet's
///   parallel `timestamps` (`[[start, end], …]`) and `sentences`;
/// - `narrations`: `[{"time": 3.2, "text": "…"}]` (Ego4D's `timestamp_sec` and `narration_text` too). Ego4D's
///   "#C C picks up a knife" is rewritten in the first person: "I pick up a knife";
/// - `characters`: the names of the people in it; `captions` (or `caption`): captions of the whole video;
/// - `first_person` (or `egocentric`): filmed by the person acting; true by default when there are narrations.
///
/// An entry of the wrong shape becomes a rejection naming the file and the entry, and its video is ingested
/// without annotations; checks that need the video's duration are made at ingest (`VideoTimelineCheck`).
public struct VideoAnnotationFile: Sendable {
    /// The entries, by the key (or `video` path) the file gives them.
    public private(set) var entries: [String: VideoAnnotations] = [:]
    /// Entries that could not be read.
    public private(set) var rejections: [SourceRejection] = []
    /// The file's name, for messages.
    public let name: String

    /// Reads `path` (at most `maxBytes`). Throws `IngestFileError` when the file cannot be read or is not a JSON
    /// object or array.
    public init(path: String, maxBytes: Int = 1 << 30) throws {
        let file = SourcePath(path)
        name = String(decoding: file.lastComponent, as: UTF8.self)
        let bytes: [UInt8]
        do {
            bytes = try file.readAll(maxBytes: maxBytes)
        } catch let error as IngestFileError {
            throw error.rephrased("video annotations \(path): \(error.reason)")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw IngestFileError("video annotations \(path): not JSON (\(error.message))", kind: .unusableSource)
        }
        switch root {
        case .object(let members):
            for (key, value) in members { add(key, value) }
        case .array(let list):
            for (index, value) in list.enumerated() {
                guard case .object(let members) = value, let video = members["video"]?.stringValue, !video.isEmpty else {
                    rejections.append(SourceRejection(
                        subject: "\(name)[\(index)]", kind: .badVideoAnnotation,
                        reason: "an entry must be an object with a \"video\" path"))
                    continue
                }
                add(video, value)
            }
        default:
            throw IngestFileError(
                "video annotations \(path): expected an object keyed by video or an array of entries, found \(root.kindName)",
                kind: .unusableSource)
        }
    }

    private mutating func add(_ key: String, _ value: JSONValue) {
        do {
            entries[key] = try Self.entry(value)
        } catch let problem as EntryProblem {
            rejections.append(SourceRejection(subject: "\(name): \(key)", kind: .badVideoAnnotation, reason: problem.reason))
        } catch {
            rejections.append(SourceRejection(subject: "\(name): \(key)", kind: .badVideoAnnotation, reason: "\(error)"))
        }
    }

    /// The entry for a video at `relativePath` (relative to its folder): by that path, by its file name, or by
    /// its name without extension (with or without ActivityNet's `v_` prefix).
    public func entry(forRelativePath relativePath: String) -> VideoAnnotations? {
        match(forRelativePath: relativePath)?.entry
    }

    /// The entry for a video and the key it was found under; `byPath` when the key is the video's path relative to
    /// the folder, which names one video. A file name or stem may name several (`IMG_0001.MOV` of two days).
    public func match(forRelativePath relativePath: String) -> (entry: VideoAnnotations, key: String, byPath: Bool)? {
        if let entry = entries[relativePath] { return (entry, relativePath, true) }
        let fileName = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        if let entry = entries[fileName] { return (entry, fileName, fileName == relativePath) }
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        guard !stem.isEmpty else { return nil }
        for key in [stem, "v_" + stem] + (stem.hasPrefix("v_") ? [String(stem.dropFirst(2))] : []) {
            if let entry = entries[key] { return (entry, key, false) }
        }
        return nil
    }

    struct EntryProblem: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func entry(_ value: JSONValue) throws -> VideoAnnotations {
        guard case .object(let members) = value else { throw EntryProblem("the entry must be an object, not \(value.kindName)") }
        var result = VideoAnnotations()
        if let segments = members["segments"] {
            guard case .array(let list) = segments else { throw EntryProblem("\"segments\" must be an array") }
            result.segments = try list.enumerated().map { index, item in
                guard case .object(let fields) = item else { throw EntryProblem("segments[\(index)] must be an object") }
                let text = try self.text(fields, ["text", "caption", "sentence"], at: "segments[\(index)]")
                return VideoSegment(
                    start: try number(fields["start"], at: "segments[\(index)].start"),
                    end: try number(fields["end"], at: "segments[\(index)].end"), text: text)
            }
        } else if let timestamps = members["timestamps"] {
            guard case .array(let spans) = timestamps, case .array(let sentences)? = members["sentences"] else {
                throw EntryProblem("\"timestamps\" needs \"sentences\" beside it, both arrays")
            }
            guard spans.count == sentences.count else {
                throw EntryProblem("\"timestamps\" has \(spans.count) entries but \"sentences\" has \(sentences.count)")
            }
            result.segments = try zip(spans, sentences).enumerated().map { index, pair in
                guard case .array(let span) = pair.0, span.count == 2 else {
                    throw EntryProblem("timestamps[\(index)] must be [start, end]")
                }
                guard let text = pair.1.stringValue.map(\.trimmingWhitespace), !text.isEmpty else {
                    throw EntryProblem("sentences[\(index)] must be a non-empty string")
                }
                return VideoSegment(
                    start: try number(span[0], at: "timestamps[\(index)][0]"), end: try number(span[1], at: "timestamps[\(index)][1]"),
                    text: text)
            }
        }
        for (index, segment) in result.segments.enumerated() {
            guard segment.start >= 0 else { throw EntryProblem("segment \(index + 1) starts before 0 s (\(segment.start))") }
            guard segment.end > segment.start else {
                throw EntryProblem("segment \(index + 1) (\"\(segment.text)\") ends at \(segment.end) s, not after its start at \(segment.start) s")
            }
        }
        if let narrations = members["narrations"] {
            guard case .array(let list) = narrations else { throw EntryProblem("\"narrations\" must be an array") }
            result.narrations = try list.enumerated().map { index, item in
                guard case .object(let fields) = item else { throw EntryProblem("narrations[\(index)] must be an object") }
                let time = try number(fields["time"] ?? fields["timestamp_sec"], at: "narrations[\(index)].time")
                guard time >= 0 else { throw EntryProblem("narrations[\(index)] is at \(time) s, before the start") }
                let text = try self.text(fields, ["text", "narration_text"], at: "narrations[\(index)]")
                return Narration(time: time, text: FirstPersonNarration.rewrite(text))
            }
        }
        if let characters = members["characters"] { result.characters = try strings(characters, key: "characters") }
        if let captions = members["captions"] { result.captions = try strings(captions, key: "captions") }
        if let caption = members["caption"] { result.captions += try strings(caption, key: "caption") }
        let flag = members["first_person"] ?? members["egocentric"]
        switch flag {
        case .bool(let value)?: result.firstPerson = value
        case nil: result.firstPerson = !result.narrations.isEmpty
        default: throw EntryProblem("\"first_person\" must be true or false")
        }
        return result
    }

    private static func number(_ value: JSONValue?, at place: String) throws -> Double {
        guard let number = value?.doubleValue, number.isFinite else { throw EntryProblem("\(place) must be a number of seconds") }
        return number
    }

    private static func text(_ fields: [String: JSONValue], _ keys: [String], at place: String) throws -> String {
        guard let text = keys.lazy.compactMap({ fields[$0]?.stringValue }).first.map(\.trimmingWhitespace), !text.isEmpty else {
            throw EntryProblem("\(place) has no \"\(keys[0])\" string")
        }
        return text
    }

    private static func strings(_ value: JSONValue, key: String) throws -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let list):
            return try list.map {
                guard let text = $0.stringValue else { throw EntryProblem("\"\(key)\" must hold strings only") }
                return text
            }
        default: throw EntryProblem("\"\(key)\" must be an array of strings")
        }
    }
}
