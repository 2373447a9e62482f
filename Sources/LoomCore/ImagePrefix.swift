import Foundation

/// The `<image>` placeholders that open a first user turn ("<image>\n", "Image 1: <image>\nImage 2: <image>\n"),
/// split from the question that follows them.
public enum ImagePrefix {
    /// The text up to and including the last placeholder (and the line break after it), and the rest.
    public static func split(_ text: String) -> (placeholders: String, rest: String) {
        guard let last = text.range(of: Record.imagePlaceholder, options: .backwards) else { return ("", text) }
        var end = last.upperBound
        if end < text.endIndex, text[end] == "\n" { end = text.index(after: end) }
        return (String(text[..<end]), String(text[end...]))
    }
}
