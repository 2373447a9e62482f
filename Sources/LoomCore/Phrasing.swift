import Foundation

/// Canonical English noun phrases for filters and objects, shared by the generator and the checker so that
/// both spell the same thing the same way.
public enum Phrasing {
    /// "large red striped circle" — attributes in a fixed order, then the shape (or "object").
    public static func noun(_ filter: ObjectFilter, plural: Bool = false) -> String {
        var words: [String] = []
        if let size = filter.size { words.append(size.rawValue) }
        if let color = filter.color { words.append(color.rawValue) }
        if let pattern = filter.pattern { words.append(pattern.rawValue) }
        if let shape = filter.shape {
            words.append(plural ? shape.plural : shape.rawValue)
        } else {
            words.append(plural ? "objects" : "object")
        }
        return words.joined(separator: " ")
    }

    /// The noun phrase of one concrete object with all its attributes.
    public static func noun(_ object: SceneObject) -> String {
        noun(ObjectFilter(shape: object.shape, color: object.color, size: object.size, pattern: object.pattern))
    }

    /// Normalizes answer text for comparison: lower case, trimmed, no trailing full stop.
    public static func normalized(_ text: String) -> String {
        var trimmed = text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        while trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }
}
