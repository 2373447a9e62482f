/// Text with only what a reader sees: control characters (other than line breaks and tabs), invisible characters
/// (soft hyphen, tag characters, Hangul fillers) and invisible formatting (zero-width space, direction marks,
/// bidirectional embeddings, overrides and isolates, which can make a reader see text other than what is stored)
/// removed, and a flood of combining marks on one letter cut. The zero-width joiners that Persian, the Indic scripts
/// and emoji sequences are written with stay. Model replies and reviewers' corrections both pass through it: text
/// nobody can see in the review app must not reach a training file.
public enum VisibleText {
    /// The most combining marks kept on one character: a few are writing (Vietnamese, Thai, Devanagari), hundreds
    /// are "Zalgo" text that makes "red" not match "red".
    public static let maxMarksInARow = 8

    /// `raw` with what no reader sees removed, and CR and CRLF line ends as LF.
    public static func cleaned(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        var afterCR = false
        var marksInARow = 0
        for scalar in raw.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                afterCR = true
                continue
            }
            defer { afterCR = false }
            if scalar == "\n" && afterCR { continue }
            switch scalar.value {
            case 0x0A, 0x09: break
            case 0x00...0x1F, 0x7F...0x9F: continue
            case 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: continue
            // Invisible: soft hyphen, combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
            // vowel separator, and the tag characters (U+E0000–E007F) that can hide text inside a string.
            case 0xAD, 0x34F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFFA0, 0xE0000...0xE007F: continue
            default: break
            }
            let category = scalar.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark {
                marksInARow += 1
                if marksInARow > maxMarksInARow { continue }
            } else {
                marksInARow = 0
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
