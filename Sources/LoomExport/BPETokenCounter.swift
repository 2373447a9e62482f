import Foundation
import LoomCore

/// Counts tokens exactly as a Hugging Face `tokenizer.json` with a BPE model would encode a text, for token
/// budgets that must match the trainer's tokenizer.
///
/// Reads the parts of the file that decide the count: the normalizer (`Prepend`, `Replace`, `NFC`/`NFKC`,
/// `Lowercase`, and `Sequence`s of them), the pre-tokenizer (`ByteLevel` with or without GPT-2's split pattern,
/// `Split` on a regex, `Metaspace`, `Whitespace`, and `Sequence`s), and the BPE model (vocabulary, ranked merges,
/// byte fallback, unknown token). That covers the tokenizers of the LLaMA, Vicuna, Mistral, Qwen and GPT-2
/// families. Only counting is needed, so ids and decoding are not computed.
public struct BPETokenCounter: Sendable {
    enum Normalization: Sendable {
        case prepend(String)
        case replace(String, String)
        case nfc, nfkc, lowercase
    }

    enum PreTokenization: Sendable {
        /// Cut the text at a regex's matches, keeping matches and gaps as pieces (the `Isolated` behavior).
        case split(pattern: String)
        /// GPT-2's byte-to-character mapping, after its own split pattern when `useRegex`.
        case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
        /// Spaces become `replacement`, which also opens the text ("first"/"always") and starts each piece.
        case metaspace(replacement: String, prependFirst: Bool, split: Bool)
        case whitespace
    }

    private let normalizations: [Normalization]
    private let preTokenizations: [PreTokenization]
    private let vocabulary: Set<String>
    /// Merge rank by the pair's two symbols joined with U+0000.
    private let ranks: [String: Int]
    private let byteFallback: Bool
    private let byteLevel: Bool

    /// GPT-2's split pattern (ByteLevel with `use_regex`).
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// Reads a `tokenizer.json`.
    ///
    /// - Throws: `LoomError` of kind `.usage` naming the file and the part Loom cannot read (a WordPiece or
    ///   Unigram model, an unknown normalizer or pre-tokenizer).
    public init(contentsOf url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LoomError(.usage, "the tokenizer file is missing or unreadable", subject: url.path)
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse([UInt8](data))
        } catch {
            throw LoomError(.usage, "the tokenizer file is not JSON: \(error)", subject: url.path)
        }
        do {
            try self.init(root)
        } catch let problem as Problem {
            throw LoomError(.usage, "cannot count tokens with this tokenizer: \(problem.reason)", subject: url.path)
        }
    }

    struct Problem: Error {
        var reason: String
    }

    init(_ root: JSONValue) throws {
        guard case .object(let top) = root, case .object(let model)? = top["model"] else {
            throw Problem(reason: "no \"model\" object")
        }
        let type = model["type"]?.stringValue ?? "BPE"
        guard type == "BPE" else { throw Problem(reason: "the model is \(type); only BPE models are read") }
        guard case .object(let vocab)? = model["vocab"] else { throw Problem(reason: "the BPE model has no vocabulary") }
        vocabulary = Set(vocab.keys)
        var ranks: [String: Int] = [:]
        if case .array(let merges)? = model["merges"] {
            for (rank, merge) in merges.enumerated() {
                let pair: [String]
                switch merge {
                case .string(let text): pair = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                case .array(let parts): pair = parts.compactMap(\.stringValue)
                default: pair = []
                }
                guard pair.count == 2 else { throw Problem(reason: "merge \(rank + 1) is not a pair") }
                let key = pair[0] + "\u{0}" + pair[1]
                if ranks[key] == nil { ranks[key] = rank }
            }
        }
        self.ranks = ranks
        if case .bool(let fallback)? = model["byte_fallback"] { byteFallback = fallback } else { byteFallback = false }
        normalizations = try Self.normalizations(top["normalizer"])
        preTokenizations = try Self.preTokenizations(top["pre_tokenizer"])
        byteLevel = preTokenizations.contains { if case .byteLevel = $0 { true } else { false } }
    }

    private static func normalizations(_ value: JSONValue?) throws -> [Normalization] {
        guard let value, case .object(let fields) = value else { return [] }
        switch fields["type"]?.stringValue {
        case "Sequence":
            guard case .array(let items)? = fields["normalizers"] else { return [] }
            return try items.flatMap { try normalizations($0) }
        case "Prepend": return [.prepend(fields["prepend"]?.stringValue ?? "")]
        case "Replace":
            guard case .object(let pattern)? = fields["pattern"], let literal = pattern["String"]?.stringValue else {
                throw Problem(reason: "a Replace normalizer with a regex pattern")
            }
            return [.replace(literal, fields["content"]?.stringValue ?? "")]
        case "NFC": return [.nfc]
        case "NFKC": return [.nfkc]
        case "Lowercase": return [.lowercase]
        case "NFD", "NFKD", "StripAccents", "BertNormalizer":
            throw Problem(reason: "the \(fields["type"]?.stringValue ?? "") normalizer")
        default: return []
        }
    }

    private static func preTokenizations(_ value: JSONValue?) throws -> [PreTokenization] {
        guard let value, case .object(let fields) = value else { return [] }
        let type = fields["type"]?.stringValue ?? ""
        switch type {
        case "Sequence":
            guard case .array(let items)? = fields["pretokenizers"] else { return [] }
            return try items.flatMap { try preTokenizations($0) }
        case "Split":
            guard case .object(let pattern)? = fields["pattern"] else { throw Problem(reason: "a Split without a pattern") }
            let regex = pattern["Regex"]?.stringValue ?? pattern["String"].flatMap(\.stringValue).map(NSRegularExpression.escapedPattern(for:))
            guard let regex else { throw Problem(reason: "a Split without a pattern") }
            let behavior = fields["behavior"]?.stringValue ?? "Isolated"
            guard behavior == "Isolated" else { throw Problem(reason: "a Split with behavior \(behavior)") }
            if case .bool(true)? = fields["invert"] { throw Problem(reason: "an inverted Split") }
            guard (try? Regex(regex)) != nil else { throw Problem(reason: "a Split pattern Swift cannot compile: \(regex)") }
            return [.split(pattern: regex)]
        case "ByteLevel":
            let prefix = fields["add_prefix_space"].map { if case .bool(true) = $0 { true } else { false } } ?? true
            let regex = fields["use_regex"].map { if case .bool(false) = $0 { false } else { true } } ?? true
            return [.byteLevel(addPrefixSpace: prefix, useRegex: regex)]
        case "Metaspace":
            let scheme = fields["prepend_scheme"]?.stringValue ?? (fields["add_prefix_space"].map { if case .bool(false) = $0 { "never" } else { "always" } } ?? "always")
            let split = fields["split"].map { if case .bool(false) = $0 { false } else { true } } ?? true
            return [.metaspace(replacement: fields["replacement"]?.stringValue ?? "\u{2581}", prependFirst: scheme != "never", split: split)]
        case "Whitespace", "WhitespaceSplit": return [.whitespace]
        default: throw Problem(reason: "the \(type) pre-tokenizer")
        }
    }

    /// The number of tokens the tokenizer encodes `text` into (special tokens such as BOS not included).
    public func count(_ text: String) -> Int {
        var normalized = text
        for step in normalizations {
            switch step {
            case .prepend(let prefix): if !normalized.isEmpty { normalized = prefix + normalized }
            case .replace(let from, let to): normalized = normalized.replacingOccurrences(of: from, with: to)
            case .nfc: normalized = normalized.precomposedStringWithCanonicalMapping
            case .nfkc: normalized = normalized.precomposedStringWithCompatibilityMapping
            case .lowercase: normalized = normalized.lowercased()
            }
        }
        var pieces = [normalized]
        for step in preTokenizations { pieces = pieces.flatMap { Self.apply(step, to: $0) } }
        return pieces.reduce(0) { $0 + countPiece($1) }
    }

    private static func apply(_ step: PreTokenization, to piece: String) -> [String] {
        switch step {
        case .split(let pattern):
            return split(piece, pattern: pattern)
        case .byteLevel(let addPrefixSpace, let useRegex):
            var text = piece
            if addPrefixSpace, !text.hasPrefix(" ") { text = " " + text }
            let parts = useRegex ? split(text, pattern: gpt2Pattern) : [text]
            return parts.map(ByteLevelAlphabet.map)
        case .metaspace(let replacement, let prependFirst, let splitting):
            if piece.isEmpty { return [] }
            var text = piece.replacingOccurrences(of: " ", with: replacement)
            if prependFirst, !text.hasPrefix(replacement) { text = replacement + text }
            guard splitting else { return [text] }
            // Each piece starts at a replacement character.
            var out: [String] = []
            var current = ""
            for character in text {
                if String(character) == replacement, !current.isEmpty {
                    out.append(current)
                    current = ""
                }
                current.append(character)
            }
            if !current.isEmpty { out.append(current) }
            return out
        case .whitespace:
            return split(piece, pattern: #"\w+|[^\w\s]+"#).filter { !$0.allSatisfy(\.isWhitespace) }
        }
    }

    /// The regex's matches and the text between them, in order (the `Isolated` behavior).
    private static func split(_ text: String, pattern: String) -> [String] {
        guard let regex = try? Regex(pattern) else { return [text] }
        var out: [String] = []
        var last = text.startIndex
        for match in text.matches(of: regex) where !match.range.isEmpty {
            if match.range.lowerBound > last { out.append(String(text[last..<match.range.lowerBound])) }
            out.append(String(text[match.range]))
            last = match.range.upperBound
        }
        if last < text.endIndex { out.append(String(text[last...])) }
        return out
    }

    /// BPE over one piece: merge the lowest-ranked adjacent pair until none is left, then count the symbols
    /// (a symbol outside the vocabulary is one byte-fallback token per UTF-8 byte, or one unknown token).
    private func countPiece(_ piece: String) -> Int {
        if piece.isEmpty { return 0 }
        if vocabulary.contains(piece) { return 1 }
        var symbols = piece.unicodeScalars.map { String($0) }
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)?
            for index in 0..<(symbols.count - 1) {
                if let rank = ranks[symbols[index] + "\u{0}" + symbols[index + 1]], rank < (best?.rank ?? Int.max) {
                    best = (rank, index)
                }
            }
            guard let best else { break }
            // Merge every occurrence of the best pair, left to right, as the reference implementation does.
            let left = symbols[best.index]
            let right = symbols[best.index + 1]
            var merged: [String] = []
            merged.reserveCapacity(symbols.count)
            var index = 0
            while index < symbols.count {
                if index + 1 < symbols.count, symbols[index] == left, symbols[index + 1] == right {
                    merged.append(left + right)
                    index += 2
                } else {
                    merged.append(symbols[index])
                    index += 1
                }
            }
            symbols = merged
        }
        return symbols.reduce(0) { total, symbol in
            if vocabulary.contains(symbol) || byteLevel { return total + 1 }
            return total + (byteFallback ? symbol.utf8.count : 1)
        }
    }
}

/// GPT-2's reversible mapping of bytes to printable characters, which byte-level BPE vocabularies are written in.
enum ByteLevelAlphabet {
    static let characters: [Character] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var mapped = printable
        var next = 0
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            mapped.append(256 + next)
            next += 1
        }
        var table = [Character](repeating: " ", count: 256)
        for (byte, scalar) in zip(printable, mapped) { table[byte] = Character(Unicode.Scalar(UInt32(scalar))!) }
        return table
    }()

    static func map(_ text: String) -> String {
        String(text.utf8.map { characters[Int($0)] })
    }
}
