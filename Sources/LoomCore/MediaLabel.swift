/// The label that names one of a record's media before its placeholder: "Image 2:" and "Frame 10:" as Loom writes
/// them, and as a translation writes them: "Imagen 2:", "Image 2 :" (French sets a space before a colon),
/// "图像2：" (a full-width colon), "第2张图片：", "画像 2:", "이미지 2:", "الصورة 2:". A video frame's label may
/// give its time in brackets before the colon: "Frame 3 (12.5 s):", "Image 3 (12,5 s) :", "帧3（12.5秒）：".
public enum MediaLabel {
    /// Whether `text`, the words before a placeholder, is such a label: at most three words of letters with one
    /// number among them (or ending them), maybe a time in brackets, then a colon, ASCII or full-width.
    public static func matches<Text: StringProtocol>(_ text: Text) -> Bool {
        read(text) != nil
    }

    /// Whether `text` is such a label with a time: a video frame's, as Loom writes it for frames shown in order.
    public static func givesTime<Text: StringProtocol>(_ text: Text) -> Bool {
        read(text) == .withTime
    }

    private enum Reading { case plain, withTime }

    /// What `text` is as a label, nil when it is none.
    private static func read<Text: StringProtocol>(_ text: Text) -> Reading? {
        var body = Substring(text).trimmingSpaces()
        guard let colon = body.last, colon == ":" || colon == "\u{FF1A}" else { return nil }
        body = body.dropLast().trimmingSpaces()
        var reading = Reading.plain
        if let close = body.last, close == ")" || close == "\u{FF09}" {
            guard let open = body.lastIndex(where: { $0 == "(" || $0 == "\u{FF08}" }) else { return nil }
            guard isTime(body[body.index(after: open)..<body.index(before: body.endIndex)]) else { return nil }
            body = body[..<open].trimmingSpaces()
            reading = .withTime
        }
        let words = body.split(whereSeparator: \.isLabelSpace)
        guard !words.isEmpty, words.count <= 3 else { return nil }
        var digitRuns = 0
        var letters = 0
        var previousWasDigit = false
        for character in body {
            if character.isDecimalDigit {
                if !previousWasDigit { digitRuns += 1 }
                previousWasDigit = true
                continue
            }
            previousWasDigit = false
            if character.isLabelSpace { continue }
            guard character.isLetter else { return nil }
            letters += 1
        }
        return digitRuns == 1 && letters > 0 ? reading : nil
    }

    /// A time as a frame label gives it: digits with a decimal point or comma or a colon, and a short unit
    /// ("12.5 s", "0:12", "12,5 s", "12.5秒").
    private static func isTime(_ text: Substring) -> Bool {
        let text = text.trimmingSpaces()
        guard !text.isEmpty, text.count <= 24, text.first?.isDecimalDigit == true else { return false }
        var letters = 0
        for character in text {
            if character.isDecimalDigit || character == "." || character == "," || character == ":" || character.isLabelSpace { continue }
            guard character.isLetter else { return false }
            letters += 1
        }
        return letters <= 16
    }
}

extension Character {
    /// A digit of a decimal number in any script (ASCII, Arabic-Indic, Devanagari, full-width…).
    fileprivate var isDecimalDigit: Bool { unicodeScalars.first?.properties.generalCategory == .decimalNumber }

    /// A space between a label's words, the no-break spaces French typography puts before a colon included.
    fileprivate var isLabelSpace: Bool { isWhitespace && !isNewline }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var trimmed = self
        while trimmed.first?.isLabelSpace == true { trimmed.removeFirst() }
        while trimmed.last?.isLabelSpace == true { trimmed.removeLast() }
        return trimmed
    }
}
