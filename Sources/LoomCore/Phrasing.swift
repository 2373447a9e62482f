/// Canonical English noun phrases for filters and objects, shared by the generator and the checker so that
/// both spell the same thing the same way.
public enum Phrasing {
    /// "large red striped circle" — attributes in a fixed order, then the shape (or "object").
    /// For an annotated category, its name ("dog" / "dogs").
    public static func noun(_ filter: ObjectFilter, plural: Bool = false) -> String {
        if let category = filter.category, !filter.setsSceneAttributes {
            return plural ? EnglishPlural.of(category) : category
        }
        // Built in place: generation and checking spell a noun for nearly every question.
        var noun = ""
        noun.reserveCapacity(40)
        if let size = filter.size { noun += size.rawValue + " " }
        if let color = filter.color { noun += color.rawValue + " " }
        if let pattern = filter.pattern { noun += pattern.rawValue + " " }
        if let shape = filter.shape {
            noun += plural ? shape.plural : shape.rawValue
        } else {
            noun += plural ? "objects" : "object"
        }
        return noun
    }

    /// The noun phrase of one concrete object with all its attributes.
    public static func noun(_ object: SceneObject) -> String {
        noun(ObjectFilter(shape: object.shape, color: object.color, size: object.size, pattern: object.pattern))
    }

    /// Normalizes answer text for comparison: lower case, trimmed, no trailing full stop.
    public static func normalized(_ text: String) -> String {
        TextSearch.normalized(text)
    }
}

extension Phrasing {
    /// "a red circle" / "an orange star".
    public static func indefinite(_ noun: String) -> String {
        guard let first = noun.first else { return noun }
        if first.isASCII, let byte = first.asciiValue {
            // A one-byte character: no grapheme rules to apply.
            switch byte {
            case 0x61, 0x65, 0x69, 0x6F, 0x75: return "an " + noun
            default: return "a " + noun
            }
        }
        return ("aeiou".contains(first) ? "an " : "a ") + noun
    }

    /// A number in 0...1 (clamped) with two decimals: "0.07".
    public static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((min(1, max(0, value)) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// "1 red circle" / "3 red circles".
    public static func counted(_ count: Int, _ filter: ObjectFilter) -> String {
        "\(count) \(noun(filter, plural: count != 1))"
    }

    /// The text with its first letter in upper case.
    public static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        if let byte = first.asciiValue {
            // An ASCII first character (nearly always): change its one byte, skipping Unicode case mapping.
            guard (0x61...0x7A).contains(byte) else { return text }
            var bytes = Array(text.utf8)
            bytes[0] = byte - 0x20
            return String(decoding: bytes, as: UTF8.self)
        }
        return first.uppercased() + text.dropFirst()
    }

    /// The canonical sentence for the change between the two images of a pair, from the objects involved.
    ///
    /// - Parameters:
    ///   - before: the object in the first image (nil when it was added).
    ///   - after: the object in the second image (nil when it was removed).
    public static func change(
        kind: PairChange.Kind, before: SceneObject?, after: SceneObject?, width: Int, height: Int
    ) -> String {
        switch kind {
        case .added:
            return "\(indefinite(after.map(noun) ?? "object")) was added"
        case .removed:
            return "the \(before.map(noun) ?? "object") was removed"
        case .moved:
            guard let before, let after else { return "an object moved" }
            let from = Region.containing(x: before.box.centerX, y: before.box.centerY, width: width, height: height)
            let to = Region.containing(x: after.box.centerX, y: after.box.centerY, width: width, height: height)
            return "the \(noun(before)) moved from the \(from.rawValue) to the \(to.rawValue)"
        case .recolored:
            guard let before, let after else { return "an object changed color" }
            return "the \(noun(before)) changed color from \(before.color.rawValue) to \(after.color.rawValue)"
        case .resized:
            guard let before, let after else { return "an object changed size" }
            return "the \(noun(before)) changed size from \(before.size.rawValue) to \(after.size.rawValue)"
        }
    }
}

extension Region {
    /// The cell of a 3×3 grid over a `width`×`height` image that holds the point.
    public static func containing(x: Double, y: Double, width: Int, height: Int) -> Region {
        let column = min(2, max(0, Int(x / (Double(width) / 3))))
        let row = min(2, max(0, Int(y / (Double(height) / 3))))
        return [[.topLeft, .top, .topRight], [.left, .center, .right], [.bottomLeft, .bottom, .bottomRight]][row][column]
    }

    /// How far the point lies from the nearest grid line, as a fraction of the image side (0 on a line).
    public static func margin(x: Double, y: Double, width: Int, height: Int) -> Double {
        func distance(_ value: Double, _ side: Double) -> Double {
            let third = side / 3
            let position = value.truncatingRemainder(dividingBy: third)
            return min(position, third - position) / side
        }
        return min(distance(x, Double(width)), distance(y, Double(height)))
    }
}
