import LoomCore

/// The hallucination filter: an answer's content words and named entities must be supported by the evidence of
/// its sample (or by its own question), and the numbers it states must be derivable from the evidence.
public struct GroundingCheck: Sendable {
    /// The least share of an answer's content words the evidence must support.
    public var threshold: Double
    /// Answers with fewer content words than this are not scored (one unsupported word of two says little).
    public var minimumContentWords: Int

    public init(threshold: Double = 0.5, minimumContentWords: Int = 3) {
        self.threshold = threshold
        self.minimumContentWords = minimumContentWords
    }

    /// What the check found for one answer.
    public struct Finding: Sendable, Hashable {
        /// Supported content words over all content words (1 when there are none).
        public var score: Double
        public var contentWords: Int
        /// Content words the evidence never uses, in answer order, without repeats.
        public var unsupported: [String]
        /// Capitalized words inside sentences that the evidence never names.
        public var unsupportedEntities: [String]
        /// Numbers the answer states that the evidence neither states nor counts (nor sums or subtracts).
        public var underivableNumbers: [Int]
    }

    /// Checks `answer` against `evidence`; words of `question` count as support too (an answer may restate it).
    public func examine(answer: String, question: String, evidence: GroundingEvidence) -> Finding {
        var support = evidence.stems
        let questionWords = Words.lowercased(question)
        for word in questionWords { support.insert(Stem.of(word)) }
        let questionNumbers = Set(questionWords.compactMap(Self.number))

        let words = Words.lowercased(answer)
        var content = 0, supported = 0
        var unsupported: [String] = []
        var seen: Set<String> = []
        var numbers: [Int] = []
        for (index, word) in words.enumerated() {
            if let value = Self.number(word) {
                // "image 2", "frame 3": a reference, not a quantity.
                let previous = index > 0 ? words[index - 1] : ""
                if !ImageReferences.singularNouns.contains(previous) { numbers.append(value) }
                continue
            }
            guard word.unicodeScalars.count > 2, !QualityResources.functionWords.contains(word) else { continue }
            content += 1
            if support.contains(Stem.of(word)) {
                supported += 1
            } else if seen.insert(word).inserted {
                unsupported.append(word)
            }
        }
        let entities = Self.entities(in: answer).filter {
            let lowered = $0.lowercased()
            return !QualityResources.functionWords.contains(lowered) && !support.contains(Stem.of(lowered))
        }
        var underivable: [Int] = []
        if evidence.hasQuantities {
            let derivable = Self.derivable(evidence.numbers.union(questionNumbers))
            for number in numbers where !derivable.contains(number) && !underivable.contains(number) { underivable.append(number) }
        }
        return Finding(
            score: content == 0 ? 1 : Double(supported) / Double(content), contentWords: content, unsupported: unsupported,
            unsupportedEntities: entities, underivableNumbers: underivable)
    }

    /// The flags for `finding`: unsupported (score under the threshold, or entities nobody named) and numbers.
    /// The turn (0-based) a grounding flag of `flags(for:turn:)` is about, or nil for another flag.
    public static func turn(of flag: QualityFlag) -> Int? {
        guard flag.code.hasPrefix("grounding."), flag.reason.hasPrefix("turn ") else { return nil }
        let digits = flag.reason.dropFirst(5).prefix { $0.isASCII && $0.isNumber }
        return Int(digits).map { $0 - 1 }
    }

    public func flags(for finding: Finding, turn: Int) -> [QualityFlag] {
        var flags: [QualityFlag] = []
        let place = "turn \(turn + 1)"
        if finding.contentWords >= minimumContentWords && finding.score < threshold {
            let listed = finding.unsupported.prefix(8).joined(separator: ", ")
            flags.append(QualityFlag(
                code: QualityCode.unsupported,
                reason: "\(place): only \(Self.percent(finding.score)) of the answer's content words are in the captions or annotations (threshold \(Self.percent(threshold))); unsupported: \(listed)"))
        } else if !finding.unsupportedEntities.isEmpty {
            flags.append(QualityFlag(
                code: QualityCode.unsupported,
                reason: "\(place): names that the captions and annotations never mention: \(finding.unsupportedEntities.prefix(8).joined(separator: ", "))"))
        }
        if !finding.underivableNumbers.isEmpty {
            flags.append(QualityFlag(
                code: QualityCode.underivableNumber,
                reason: "\(place): \(finding.underivableNumbers.map(String.init).joined(separator: ", ")) cannot be derived from the annotations"))
        }
        return flags
    }

    /// A number written as digits (up to 6) or as a number word.
    static func number(_ word: String) -> Int? {
        if word.utf8.count <= 6, word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Int(word) }
        return QualityResources.numberWords[word]
    }

    /// The known numbers, their pairwise sums and differences (an answer may add or compare counts), and 0.
    static func derivable(_ known: Set<Int>) -> Set<Int> {
        var result = known
        result.insert(0)
        let values = Array(known.sorted().prefix(64))
        for a in values {
            for b in values {
                result.insert(a + b)
                result.insert(abs(a - b))
            }
        }
        return result
    }

    /// Words that start with a capital letter and do not start a sentence: names a reader would take as facts.
    static func entities(in text: String) -> [String] {
        var found: [String] = []
        var word = String.UnicodeScalarView()
        var sentenceStart = true
        var wordStartsSentence = true
        func finish() {
            defer { word = String.UnicodeScalarView() }
            guard let first = word.first, !wordStartsSentence, first.properties.isUppercase, word.count > 1 else { return }
            let name = String(word)
            // All-capital words are often emphasis or sign text; they still must be supported, like any name.
            if name != "I", !found.contains(name) { found.append(name) }
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if word.isEmpty { wordStartsSentence = sentenceStart }
                word.append(scalar)
                sentenceStart = false
            } else {
                finish()
                if scalar == "." || scalar == "!" || scalar == "?" || scalar == ":" || scalar == "\n" || scalar == "\"" || scalar == "“" {
                    sentenceStart = true
                }
            }
        }
        finish()
        return found
    }

    private static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}
