import Foundation

/// Tokens that trainers' loaders or models' chat templates read as something other than text: `<video>` and
/// `<audio>` (LLaMA-Factory counts them against a row's videos and audios), image tokens of other models
/// (`<|image_pad|>`, `<ImageHere>`, `[IMG]`) and chat-template special tokens (every `<|name|>`). The list is data:
/// `Resources/trainer-tokens.json`. Loom's own `<image>` placeholder is not one of them.
public enum TrainerTokens {
    private struct Table: Decodable {
        var angle: [String]
        var square: [String]
        var templateAngle: [String]
        var templateSquare: [String]

        enum CodingKeys: String, CodingKey {
            case angle, square
            case templateAngle = "template_angle"
            case templateSquare = "template_square"
        }
    }

    private static let table: Table? = {
        guard let url = Bundle.module.url(forResource: "trainer-tokens", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "trainer-tokens", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(Table.self, from: data)
    }()

    /// The listed tokens with their brackets (`<video>`, `[IMG]`).
    private static let listed: [String] = {
        guard let table else { return ["<video>", "<audio>"] }
        return table.angle.map { "<\($0)>" } + table.square.map { "[\($0)]" }
    }()

    /// The chat-template tokens model text loses whole (`</s>`, `[/INST]`), with their brackets.
    private static let template: [String] = {
        guard let table else { return ["<s>", "</s>"] }
        return table.templateAngle.map { "<\($0)>" } + table.templateSquare.map { "[\($0)]" }
    }()

    /// The first trainer token in `text`, or nil. Text without `<` or `[` is passed over in one byte scan.
    public static func first(in text: String) -> String? {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x5B }) else { return nil }
        return matches(in: text).first.map { String(text[$0]) }
    }

    /// `text` with every trainer token turned into plain words: `<video>` → "video", `<|image_pad|>` → "image pad",
    /// `[IMG]` → "IMG".
    public static func defused(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x5B }) else { return text }
        var text = text
        // Again until none is left: removing the inner token of "<<video>>" leaves "<video>".
        while true {
            let found = matches(in: text)
            guard !found.isEmpty else { return text }
            var out = ""
            var position = text.startIndex
            for range in found {
                out += text[position..<range.lowerBound]
                out += words(of: String(text[range]))
                position = range.upperBound
            }
            out += text[position...]
            text = out
        }
    }

    /// `text` without chat-template tokens: every `<|name|>` token and the listed end-of-turn ones (`</s>`,
    /// `<end_of_turn>`, `[/INST]`). A model writes them when the server's stop tokens are set wrong: "red<|im_end|>"
    /// means "red", and "<|endoftext|>" alone means nothing at all, so they go whole rather than as words.
    public static func withoutTemplateTokens(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x5B }) else { return text }
        var text = text
        // Again until none is left: removing "<|x|>" from "<<|x|>/s>" leaves "</s>".
        while true {
            let found = matches(in: text, tokens: template)
            guard !found.isEmpty else { return text }
            var out = ""
            var position = text.startIndex
            for range in found {
                out += text[position..<range.lowerBound]
                position = range.upperBound
            }
            out += text[position...]
            text = out
        }
    }

    /// The token's name as words: its brackets and bars gone, underscores as spaces, a leading slash dropped.
    private static func words(of token: String) -> String {
        var name = token.dropFirst().dropLast()
        if name.hasPrefix("|") && name.hasSuffix("|") && name.count >= 2 { name = name.dropFirst().dropLast() }
        if name.hasPrefix("/") { name = name.dropFirst() }
        return name.replacingOccurrences(of: "_", with: " ")
    }

    /// The ranges of the tokens in `text`, in order: the listed ones, and `<|name|>` with a name of 1–40 letters,
    /// digits, underscores, hyphens or dots.
    private static func matches(in text: String) -> [Range<String.Index>] {
        matches(in: text, tokens: listed)
    }

    /// The ranges of `<|name|>` tokens and of `tokens` in `text`, in order.
    private static func matches(in text: String, tokens: [String]) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "<" || character == "[" else {
                index = text.index(after: index)
                continue
            }
            let rest = text[index...]
            if character == "<", rest.hasPrefix("<|"), let end = templateTokenEnd(rest) {
                ranges.append(index..<end)
                index = end
                continue
            }
            if let token = tokens.first(where: { rest.hasPrefix($0) }) {
                let end = text.index(index, offsetBy: token.count)
                ranges.append(index..<end)
                index = end
                continue
            }
            index = text.index(after: index)
        }
        return ranges
    }

    /// Where a `<|name|>` token that starts `text` ends, or nil when `text` does not start with one.
    private static func templateTokenEnd(_ text: Substring) -> String.Index? {
        var index = text.index(text.startIndex, offsetBy: 2)
        var length = 0
        while index < text.endIndex, length <= 40 {
            let character = text[index]
            if character == "|" {
                let next = text.index(after: index)
                guard length > 0, next < text.endIndex, text[next] == ">" else { return nil }
                return text.index(after: next)
            }
            guard character.isASCII, character.isLetter || character.isNumber || "_-.".contains(character) else { return nil }
            length += 1
            index = text.index(after: index)
        }
        return nil
    }
}
