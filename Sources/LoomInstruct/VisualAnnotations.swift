import Foundation
import LoomCore

/// What is known about one image, in the words the prompts use: captions, objects with normalized boxes, and
/// the text in the image.
public struct ImageFacts: Sendable, Hashable {
    public var captions: [String]
    /// Category (or phrase) and box normalized to 0…1 (x, y, width, height).
    public var objects: [(name: String, box: Box)]
    public var text: [String]
    public var tags: [String]

    public init(captions: [String] = [], objects: [(name: String, box: Box)] = [], text: [String] = [], tags: [String] = []) {
        self.captions = captions
        self.objects = objects
        self.text = text
        self.tags = tags
    }

    public static func == (lhs: ImageFacts, rhs: ImageFacts) -> Bool {
        lhs.captions == rhs.captions && lhs.text == rhs.text && lhs.tags == rhs.tags
            && lhs.objects.map(\.name) == rhs.objects.map(\.name) && lhs.objects.map(\.box) == rhs.objects.map(\.box)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(captions)
        hasher.combine(text)
        hasher.combine(objects.map(\.name))
    }

    /// The facts of one of the user's images: its source's annotations plus the model caption, if written.
    public init(annotations: ImageAnnotations, width: Int, height: Int, caption: String?) {
        let scaleX = 1 / Double(max(width, 1))
        let scaleY = 1 / Double(max(height, 1))
        self.init(
            captions: annotations.captions + (caption.map { [$0] } ?? []),
            objects: annotations.objects.map {
                (
                    $0.category,
                    Box(x: $0.box.x * scaleX, y: $0.box.y * scaleY, width: $0.box.width * scaleX, height: $0.box.height * scaleY)
                )
            },
            text: annotations.text.map(\.text), tags: annotations.tags)
    }

    /// The facts of a drawn scene: every visible object described by its attributes, and its text labels.
    public init(scene: SceneTruth) {
        let scaleX = 1 / Double(max(scene.width, 1))
        let scaleY = 1 / Double(max(scene.height, 1))
        func normalized(_ box: Box) -> Box {
            Box(x: box.x * scaleX, y: box.y * scaleY, width: box.width * scaleX, height: box.height * scaleY)
        }
        self.init(
            captions: [],
            objects: scene.objects.filter { $0.visibleFraction > 0.2 }.map { (SceneFacts.phrase($0), normalized($0.box)) },
            text: scene.labels.map(\.text), tags: [scene.backgroundName + " background"])
    }
}

/// Words for drawn scene objects.
enum SceneFacts {
    /// "large red striped cube" (a plain pattern is not mentioned).
    static func phrase(_ object: SceneObject) -> String {
        let pattern = object.pattern.rawValue == "plain" || object.pattern.rawValue == "solid" ? "" : object.pattern.rawValue + " "
        return "\(object.size.rawValue) \(object.color.rawValue) \(pattern)\(object.shape.rawValue)"
    }
}

/// Writes the visual annotations of a sample as text, in the layout the Syphus examples use: a block per image
/// (or frame), then what changed.
public enum VisualAnnotations {
    /// One image's block: caption lines, objects with boxes, text, tags.
    public static func block(_ facts: ImageFacts) -> String {
        var lines: [String] = []
        for caption in facts.captions { lines.append("Caption: " + caption) }
        if !facts.objects.isEmpty {
            let listed = facts.objects.prefix(40).map { object in
                "\(object.name) " + [object.box.x, object.box.y, object.box.width, object.box.height]
                    .map { String(format: "%.2f", $0) }.joined(separator: " ")
            }
            lines.append("Objects (category, normalized box x y w h): " + listed.joined(separator: "; "))
        }
        if !facts.text.isEmpty { lines.append("Text in the image: " + facts.text.prefix(30).map { "\"\($0)\"" }.joined(separator: "; ")) }
        if !facts.tags.isEmpty { lines.append("Tags: " + facts.tags.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// A single image.
    public static func single(_ facts: ImageFacts) -> String { block(facts) }

    /// Several images ("Image 1:", "Image 2:", …), then the known change between them, if any.
    public static func images(_ facts: [ImageFacts], noun: String = "Image", change: String? = nil, events: [String] = []) -> String {
        var parts = facts.enumerated().map { "\(noun) \($0.offset + 1):\n" + block($0.element) }
        if let change { parts.append("Known change: " + change) }
        if !events.isEmpty { parts.append("Events: " + events.joined(separator: "; ")) }
        return parts.joined(separator: "\n")
    }

    /// A video: its length, the times of the frames shown, captions of the whole video, then its timestamped
    /// segments ("Events (start-end seconds)") and narrations, each on its own line, with names made neutral
    /// when `names` is given.
    public static func video(_ video: VideoTruth, names: NeutralReferences? = nil) -> String {
        func seconds(_ value: Double) -> String { Record.secondsLabel(value) }
        let text = { (line: String) in names?.apply(line) ?? line }
        var lines = ["Video length: \(seconds(video.duration)) seconds"]
        if !video.frameTimes.isEmpty {
            lines.append("Frames shown (frame: second): " + video.frameTimes.enumerated().map { "\($0.offset + 1): \(seconds($0.element))" }.joined(separator: ", "))
        }
        for caption in video.annotations.captions { lines.append("Caption: " + text(caption)) }
        if !video.segments.isEmpty {
            lines.append("Events (start-end seconds):")
            lines += video.segments.map { "\(seconds($0.start))-\(seconds($0.end)): \(text($0.text))" }
        }
        if !video.narrations.isEmpty {
            lines.append("Narrations (second: what I do):")
            lines += video.narrations.map { "\(seconds($0.time)): \(text($0.text))" }
        }
        return lines.joined(separator: "\n")
    }

    /// The change of a drawn pair, in words: "the large red cube was recoloured to blue".
    public static func change(of pair: PairTruth) -> String {
        let id = pair.change.objectID
        let before = pair.first.objects.first { $0.id == id }
        let after = pair.second.objects.first { $0.id == id }
        switch pair.change.kind {
        case .added: return after.map { "a \(SceneFacts.phrase($0)) was added in image 2" } ?? "an object was added in image 2"
        case .removed: return before.map { "the \(SceneFacts.phrase($0)) was removed in image 2" } ?? "an object was removed in image 2"
        case .moved:
            return before.map { "the \(SceneFacts.phrase($0)) moved to another place in image 2" } ?? "an object moved in image 2"
        case .recolored:
            if let before, let after { return "the \(SceneFacts.phrase(before)) was recoloured to \(after.color.rawValue) in image 2" }
            return "an object changed colour in image 2"
        case .resized:
            if let before, let after { return "the \(SceneFacts.phrase(before)) became \(after.size.rawValue) in image 2" }
            return "an object changed size in image 2"
        }
    }

    /// What happens between the frames of a drawn sequence: appearances, disappearances, moves.
    public static func events(of frames: [SceneTruth]) -> [String] {
        var events: [String] = []
        for index in frames.indices.dropFirst() {
            let before = Dictionary(frames[index - 1].objects.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let after = Dictionary(frames[index].objects.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for object in frames[index].objects where before[object.id] == nil {
                events.append("frame \(index + 1): a \(SceneFacts.phrase(object)) appears")
            }
            for object in frames[index - 1].objects where after[object.id] == nil {
                events.append("frame \(index + 1): the \(SceneFacts.phrase(object)) disappears")
            }
            for object in frames[index].objects {
                guard let old = before[object.id] else { continue }
                let dx = object.centerX - old.centerX
                let dy = object.centerY - old.centerY
                let scale = Double(frames[index].width) * 0.02
                guard abs(dx) > scale || abs(dy) > scale else { continue }
                let direction = abs(dx) >= abs(dy) ? (dx > 0 ? "right" : "left") : (dy > 0 ? "down" : "up")
                events.append("frame \(index + 1): the \(SceneFacts.phrase(object)) moves \(direction)")
            }
        }
        return events
    }
}
