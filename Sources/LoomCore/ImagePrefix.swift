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

    /// The question of a first turn without its images, for formats that carry images apart from the text
    /// (MIMIC-IT's instructions, a video in place of frames): an opening of placeholders on lines of their own
    /// ("<image>", "Image 2: <image>") is dropped whole; placeholders inside the text ("Compare <image> with
    /// <image>. Which is larger?", as imported rows may have them) are taken out one by one, so no word is lost.
    public static func question(_ text: String) -> String {
        let (opening, rest) = split(text)
        if opening.isEmpty || isOpening(opening) { return rest }
        var out = text.replacingOccurrences(of: Record.imagePlaceholder, with: "")
        while out.contains("  ") { out = out.replacingOccurrences(of: "  ", with: " ") }
        for (spaced, closed) in [(" .", "."), (" ,", ","), (" \n", "\n"), ("\n ", "\n")] {
            out = out.replacingOccurrences(of: spaced, with: closed)
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The question of a first turn for formats that carry a sample's images apart from the text, in their order
    /// (MIMIC-IT's instructions): as `question`, except that the labels of a video's frames with their times
    /// ("Frame 3 (12.5 s):") stay, one per line without their placeholders: the question may ask about a moment
    /// ("12 seconds in") that only they tie to a frame.
    public static func questionKeepingFrameTimes(_ text: String) -> String {
        let (opening, rest) = split(text)
        guard !opening.isEmpty, isOpening(opening) else { return question(text) }
        let labels = opening.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.trimmingCharacters(in: .whitespaces).dropLast(Record.imagePlaceholder.count).trimmingCharacters(in: .whitespaces)
        }
        guard labels.contains(where: MediaLabel.givesTime) else { return rest }
        return labels.joined(separator: "\n") + "\n" + rest
    }

    /// Whether `opening` is lines of a lone placeholder, each alone or after a label ("Frame 3: <image>", "图像3：<image>").
    private static func isOpening(_ opening: String) -> Bool {
        opening.split(separator: "\n", omittingEmptySubsequences: true).allSatisfy { line in
            let line = line.trimmingCharacters(in: .whitespaces)
            guard line.hasSuffix(Record.imagePlaceholder) else { return false }
            let label = line.dropLast(Record.imagePlaceholder.count).trimmingCharacters(in: .whitespaces)
            return label.isEmpty || MediaLabel.matches(label)
        }
    }
}
