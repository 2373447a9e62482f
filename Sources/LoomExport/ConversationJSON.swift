import LoomCore
import LoomStore

/// The conversation shapes the formats share, written straight into bytes.
enum ConversationJSON {
    /// `[{"from": "human"|"gpt", "value": …}]` (LLaVA, Mantis).
    static func appendShareGPT(_ turns: [Turn], to out: inout [UInt8]) {
        JSONText.appendTurns(turns, keys: .shareGPT, to: &out)
    }

    /// A row's conversation as ShareGPT: its stored bytes when the reader kept them, else its turns written out.
    static func appendShareGPT(of row: borrowing ExportRow, to out: inout [UInt8]) {
        if let stored = row.storedShareGPT {
            out.append(contentsOf: stored)
        } else {
            appendShareGPT(row.turns, to: &out)
        }
    }

    /// `[{"role": "user"|"assistant", "content": …}]` with the text as it is (LLaMA-Factory, Mantis HF, HF folder).
    static func appendRoleContent(_ turns: [Turn], to out: inout [UInt8]) {
        JSONText.appendTurns(turns, keys: .roleContent, to: &out)
    }

    /// `{"type": "text", "text": …}`: a text part of typed content (TRL, OpenAI).
    static func appendTextPart(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type": "text", "text": "#.utf8)
        JSONText.appendQuoted(text, to: &out)
        out.append(0x7D)
    }

    /// The same text part from UTF-8 bytes.
    static func appendTextPart(utf8 text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type": "text", "text": "#.utf8)
        JSONText.appendQuoted(utf8: text, to: &out)
        out.append(0x7D)
    }

    /// A JSON list of strings.
    static func appendStrings(_ items: [String], to out: inout [UInt8]) {
        out.append(0x5B)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(contentsOf: ", ".utf8) }
            JSONText.appendQuoted(item, to: &out)
        }
        out.append(0x5D)
    }
}

/// A user turn cut at its `<image>` placeholders, for formats whose content is a list of typed parts.
enum InterleavedText {
    enum Part: Equatable {
        case image
        case text(String)
    }

    private static let placeholder = Array(Record.imagePlaceholder.utf8)

    /// The text and image parts in order. Whitespace around a placeholder only separated it from its neighbours
    /// and is dropped; labels such as "Image 1:" stay, since questions refer to images by them.
    static func parts(of text: String) -> [Part] {
        var parts: [Part] = []
        forEachPart(of: text, image: { parts.append(.image) }, text: { parts.append(.text(String(decoding: $0, as: UTF8.self))) })
        return parts
    }

    /// The same parts, handed over one at a time with each text part's UTF-8 bytes (valid only during the call):
    /// writing them straight out saves a string and an array per turn.
    static func forEachPart(
        of text: String, image: () -> Void, text onText: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            var index = 0
            let first = placeholder[0]
            while index + placeholder.count <= bytes.count {
                if bytes[index] == first, matchesPlaceholder(bytes, at: index) {
                    emitText(bytes, start..<index, onText)
                    image()
                    index += placeholder.count
                    start = index
                } else {
                    index += 1
                }
            }
            emitText(bytes, start..<bytes.count, onText)
        }
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0B || byte == 0x0C
    }

    private static func matchesPlaceholder(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        for offset in 1..<placeholder.count where bytes[index + offset] != placeholder[offset] { return false }
        return true
    }

    /// Hands over the range as a text part, trimmed of whitespace, unless nothing is left.
    private static func emitText(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ onText: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        // ASCII whitespace is trimmed on bytes; only a non-ASCII edge needs Unicode's whitespace property.
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isASCIISpace(bytes[lower]) { lower += 1 }
        while upper > lower, isASCIISpace(bytes[upper - 1]) { upper -= 1 }
        guard lower < upper else { return }
        let trimmed = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
        if bytes[lower] < 0x80 && bytes[upper - 1] < 0x80 {
            onText(trimmed)
            return
        }
        let text = String(decoding: trimmed, as: UTF8.self)
        guard let first = text.unicodeScalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = text.unicodeScalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return }
        if first == text.startIndex, text.unicodeScalars.index(after: last) == text.endIndex {
            onText(trimmed)
        } else {
            var inner = String(text.unicodeScalars[first...last])
            inner.withUTF8 { onText($0) }
        }
    }
}
