import LoomCore
import LoomStore

/// The context a trainer gives one record: a fixed token cost per image, text tokens estimated, and a limit.
///
/// Records over the limit would be truncated by the trainer (losing answers, or worse, image tokens). The export
/// splits them between turns — each part a complete exchange that repeats the images — or drops them.
public struct TokenBudget: Sendable, Hashable, Codable {
    /// Backbones with known image costs.
    public enum Preset: String, Sendable, CaseIterable, Codable {
        /// LLaVA-1.5 with CLIP ViT-L/336: 24×24 patches.
        case llava15 = "llava-1.5-336"
        /// Idefics2 without image splitting: 64 perceiver tokens.
        case idefics2
        /// The estimate Mantis' conversion scripts used.
        case mantis

        public var imageTokens: Int {
            switch self {
            case .llava15: 576
            case .idefics2: 64
            case .mantis: 256
            }
        }

        public var contextLimit: Int {
            switch self {
            case .llava15: 2048
            case .idefics2, .mantis: 8192
            }
        }
    }

    /// What to do with a record over the limit.
    public enum Overflow: String, Sendable, Hashable, Codable, CaseIterable {
        /// Split it between turns into records that fit; drop what still does not.
        case split
        /// Leave it out.
        case drop
    }

    public var imageTokens: Int
    public var contextLimit: Int
    public var overflow: Overflow
    /// A Hugging Face `tokenizer.json` (BPE) to count text tokens with; nil estimates them (`TextTokenEstimate`).
    public var tokenizer: String?

    public init(imageTokens: Int, contextLimit: Int, overflow: Overflow = .split, tokenizer: String? = nil) {
        self.imageTokens = imageTokens
        self.contextLimit = contextLimit
        self.overflow = overflow
        self.tokenizer = tokenizer
    }

    public init(preset: Preset, contextLimit: Int? = nil, overflow: Overflow = .split, tokenizer: String? = nil) {
        self.init(
            imageTokens: preset.imageTokens, contextLimit: contextLimit ?? preset.contextLimit, overflow: overflow,
            tokenizer: tokenizer)
    }

    /// Tokens per turn for the chat template's role markers, on top of the text.
    static let turnOverhead = 4

    /// The tokens of a record: its images, its text without the placeholders (counted by `counter` when given,
    /// else estimated), and the role markers of each turn.
    public func tokens(of row: ExportRow, counter: BPETokenCounter? = nil) -> Int {
        row.media.count * imageTokens
            + row.turns.reduce(0) { total, turn in
                let text = turn.text.replacingOccurrences(of: Record.imagePlaceholder, with: "")
                return total + (counter?.count(text) ?? TextTokenEstimate.tokens(in: text)) + Self.turnOverhead
            }
    }

    /// What becomes of a record under this budget.
    enum Fit: Equatable {
        case fits
        /// The record as parts that each fit (ids suffixed `-part1`, `-part2`, …), and how many exchanges were lost.
        case split([ExportRow], droppedExchanges: Int)
        case dropped
    }

    /// Fits one record: as it is, split into parts between user–assistant exchanges, or not at all.
    ///
    /// Every part keeps every image: each starts with the placeholders that opened the original first turn, so
    /// each has exactly one `<image>` per image. An exchange that does not fit even alone is lost.
    ///
    /// A record whose images are not all placed in that opening (in-context examples inlined before the query,
    /// each with its own images; an imported row that shows an image in a later turn) cannot be cut that way
    /// without a part holding placeholders for images it does not show, which trainers refuse or misplace: it
    /// is dropped instead.
    func fit(_ row: ExportRow, counter: BPETokenCounter? = nil) -> Fit {
        if tokens(of: row, counter: counter) <= contextLimit { return .fits }
        guard overflow == .split, row.turns.count > 2 else { return .dropped }
        let (placeholders, question) = ImagePrefix.split(row.turns[0].text)
        let opening = TextSearch.count(of: Record.imagePlaceholder, in: placeholders)
        let everywhere = row.turns.reduce(0) { $0 + TextSearch.count(of: Record.imagePlaceholder, in: $1.text) }
        guard opening == row.media.count, everywhere == opening else { return .dropped }
        var turns = row.turns
        turns[0].text = question
        let exchanges = stride(from: 0, to: turns.count, by: 2).map { Array(turns[$0..<min($0 + 2, turns.count)]) }

        func opened(_ part: [Turn]) -> [Turn] {
            var part = part
            part[0].text = placeholders + part[0].text
            return part
        }
        func fits(_ part: [Turn]) -> Bool {
            var probe = row
            probe.turns = opened(part)
            return tokens(of: probe, counter: counter) <= contextLimit
        }

        var parts: [[Turn]] = []
        var current: [Turn] = []
        var dropped = 0
        for exchange in exchanges {
            if fits(current + exchange) {
                current += exchange
                continue
            }
            if !current.isEmpty { parts.append(current) }
            current = []
            if fits(exchange) { current = exchange } else { dropped += 1 }
        }
        if !current.isEmpty { parts.append(current) }
        guard !parts.isEmpty else { return .dropped }
        return .split(
            parts.enumerated().map { index, part in
                var piece = row
                piece.id = "\(row.id)-part\(index + 1)"
                piece.turns = opened(part)
                return piece
            },
            droppedExchanges: dropped)
    }
}
