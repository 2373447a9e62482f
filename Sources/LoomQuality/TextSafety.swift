import LoomCore

/// Text a trainer must never see: bytes that were not UTF-8 (decoded as U+FFFD), control characters (bidirectional
/// overrides among them: they show a reader, a reviewer too, text in another order than the one stored), tokens a
/// trainer reads as media or as its chat template's (`TrainerTokens`: `<video>`, `<|image_pad|>`), and turns so
/// long they are surely a runaway generation.
enum TextSafety {
    /// The flags for `texts` (each named by `place`); `oversized` tells which texts are too long to read further.
    static func flags(_ texts: [(place: String, text: String)], maxBytes: Int) -> (flags: [QualityFlag], oversized: Bool) {
        var flags: [QualityFlag] = []
        var replacement: [String] = [], control: [String] = [], oversized: [String] = [], tokens: [String] = []
        for (place, text) in texts {
            if text.utf8.count > maxBytes {
                oversized.append("\(place) (\(text.utf8.count) bytes)")
                continue
            }
            var sawReplacement = false, sawControl = false
            for scalar in text.unicodeScalars {
                if scalar == "\u{FFFD}" { sawReplacement = true }
                if isForbiddenControl(scalar) { sawControl = true }
            }
            if sawReplacement { replacement.append(place) }
            if sawControl { control.append(place) }
            if let token = TrainerTokens.first(in: text) { tokens.append("\(token) in \(place)") }
        }
        if !replacement.isEmpty {
            flags.append(QualityFlag(code: QualityCode.invalidUTF8, reason: "invalid UTF-8 (replacement characters) in \(replacement.joined(separator: ", "))"))
        }
        if !control.isEmpty {
            flags.append(QualityFlag(code: QualityCode.controlCharacters, reason: "control characters in \(control.joined(separator: ", "))"))
        }
        if !tokens.isEmpty {
            flags.append(QualityFlag(
                code: QualityCode.trainerToken,
                reason: "a token trainers read as media or as the chat template's (\(tokens.joined(separator: ", ")))"))
        }
        if !oversized.isEmpty {
            flags.append(QualityFlag(code: QualityCode.oversized, reason: "longer than \(maxBytes) bytes: \(oversized.joined(separator: ", "))"))
        }
        return (flags, !oversized.isEmpty)
    }

    /// C0 and C1 controls other than tab, line feed and carriage return, plus DEL; and the bidirectional
    /// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
