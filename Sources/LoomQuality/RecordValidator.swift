import Foundation
import LoomCore

/// The format validators: everything about a record that can be judged from the record alone. Each problem is a
/// flag with a stable code (`QualityCode`) and a reason naming the turn or option. Total: any record, however
/// broken or hostile its text, gets flags and never a crash.
public struct RecordValidator: Sendable {
    public var settings: ValidationSettings

    public init(settings: ValidationSettings = ValidationSettings()) {
        self.settings = settings
    }

    /// Every format problem of `record`.
    public func flags(for record: Record) -> [QualityFlag] {
        let (textFlags, oversized) = textAndPlaceholderFlags(for: record)
        var flags = textFlags
        // A runaway text is not read further: the flag says enough, and reading it would cost.
        if oversized { return flags }
        // Trainers put the images where the questions' placeholders are (LLaVA: in the first question only).
        let answersWithImages = record.turns.indices.filter {
            record.turns[$0].role == .assistant && TextSearch.contains(record.turns[$0].text, Record.imagePlaceholder)
        }
        if !answersWithImages.isEmpty {
            flags.append(QualityFlag(
                code: QualityCode.placeholderInAnswer,
                reason: "an answer holds an <image> placeholder (\(answersWithImages.map { "turn \($0 + 1)" }.joined(separator: ", "))); images belong in the questions"))
        }
        let exchanges = Self.exchanges(of: record)
        guard let first = exchanges.first else {
            flags.append(QualityFlag(code: QualityCode.emptyAnswer, reason: "the record has no question and answer"))
            return flags
        }
        let language = LanguageGuess.primary(record.language)

        // Questions about text in the image may rightly be answered "N/A" or "Unknown": what the image says.
        let readsText = record.domain.rawValue.contains("ocr")
        for exchange in exchanges {
            flags += answerFlags(exchange, type: record.type, readsText: readsText)
        }
        switch record.type {
        case .multipleChoice: flags += multipleChoiceFlags(record, answer: first.answer, question: first.question)
        case .judgement: flags += judgementFlags(record, answer: first, language: language)
        default: break
        }
        flags += languageFlags(exchanges, language: language)
        flags += referenceFlags(record, exchanges: exchanges)
        return Self.merged(flags)
    }

    /// The problems of `record` that read no language: text safety (invalid UTF-8, control characters, trainer tokens,
    /// runaway length), placeholders against images, and options that repeat one another or break over lines. What a
    /// translation is held to, beside what it must keep of its source (`TranslationCheck`).
    public func languageNeutralFlags(for record: Record) -> [QualityFlag] {
        let (textFlags, oversized) = textAndPlaceholderFlags(for: record)
        var flags = textFlags
        if oversized { return flags }
        if let options = record.options {
            let keys = options.map { $0.lowercased().trimmingCharacters(in: .whitespacesAndNewlines) }
            if Set(keys).count != keys.count || keys.contains("") || options.contains(where: { $0.contains("\n") }) {
                flags.append(QualityFlag(code: QualityCode.optionsNotDistinct, reason: "the options are not distinct lines: \(options.joined(separator: " / "))"))
            }
        }
        return flags
    }

    /// Text safety over every turn and option (`TextSafety`), and placeholders against images (unless a text is
    /// oversized, which is not read further); whether one was.
    private func textAndPlaceholderFlags(for record: Record) -> (flags: [QualityFlag], oversized: Bool) {
        var places: [(place: String, text: String)] = record.turns.enumerated().map { ("turn \($0.offset + 1)", $0.element.text) }
        for (index, option) in (record.options ?? []).enumerated() { places.append(("option \(index + 1)", option)) }
        let safety = TextSafety.flags(places, maxBytes: settings.maxTurnBytes)
        var flags = safety.flags
        if safety.oversized { return (flags, true) }
        let placeholders = record.placeholderCount
        if placeholders != record.media.count {
            flags.append(QualityFlag(
                code: QualityCode.placeholderCount,
                reason: "the text has \(placeholders) <image> placeholder\(placeholders == 1 ? "" : "s") for \(record.media.count) image\(record.media.count == 1 ? "" : "s")"))
        }
        return (flags, false)
    }

    /// One question and its answer; `question` without the `<image>` lines.
    struct Exchange {
        var turn: Int
        var question: String
        var answer: String
        var answerWords: [String]
        /// The question's lower-cased words (split once: four checks read them).
        var questionWords: [String]
    }

    static func exchanges(of record: Record) -> [Exchange] {
        var result: [Exchange] = []
        var index = 0
        while index + 1 < record.turns.count {
            if record.turns[index].role == .user && record.turns[index + 1].role == .assistant {
                let answer = record.turns[index + 1].text
                let question = withoutMediaLines(record.turns[index].text)
                result.append(Exchange(
                    turn: index + 1, question: question, answer: answer, answerWords: Words.lowercased(answer),
                    questionWords: Words.lowercased(question)))
                index += 2
            } else {
                index += 1
            }
        }
        return result
    }

    /// The question without lines that only place images ("Image 2: <image>", a lone "<image>").
    static func withoutMediaLines(_ text: String) -> String {
        guard TextSearch.contains(text, Record.imagePlaceholder) else { return text }
        var kept: [Substring] = []
        var dropped = false
        for line in lines(of: text) {
            if isMediaLine(line) { dropped = true } else { kept.append(line) }
        }
        return dropped ? kept.joined(separator: "\n") : text
    }

    /// The text's lines, empty ones included, split at "\n" as `String.split(separator: "\n")` splits them. Text
    /// without a carriage return is split on bytes (a `Character` search costs grapheme breaking); "\r\n" is one
    /// `Character`, which a `Character` split does not cut, so such text takes the `Character` path.
    static func lines(of text: String) -> [Substring] {
        guard !text.utf8.contains(0x0D) else { return text.split(separator: "\n", omittingEmptySubsequences: false) }
        return text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
    }

    private static let placeholderBytes = Array(Record.imagePlaceholder.utf8)

    /// A line that holds a placeholder and at most three other words ("Image 2: <image>", "Frame 5: <image>").
    /// ASCII lines are read in one pass over their bytes, the placeholder counting as a space; others go the long way.
    static func isMediaLine(_ line: Substring) -> Bool {
        let placeholder = placeholderBytes
        let quick = line.utf8.withContiguousStorageIfAvailable { bytes -> (found: Bool, words: Int)? in
            var found = false
            var words = 0
            var inWord = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == placeholder[0], index + placeholder.count <= bytes.count,
                    (1..<placeholder.count).allSatisfy({ bytes[index + $0] == placeholder[$0] })
                {
                    found = true
                    inWord = false
                    index += placeholder.count
                    continue
                }
                switch byte {
                case 0x80...: return nil
                case 0x41...0x5A, 0x61...0x7A, 0x30...0x39:
                    if !inWord { words += 1 }
                    inWord = true
                case 0x27 where inWord: break
                default: inWord = false
                }
                index += 1
            }
            return (found, words)
        }
        if let quick, let ascii = quick {
            if !ascii.found { return false }
            if ascii.words <= 3 { return true }
        }
        let text = String(line)
        guard let placeholder = text.range(of: Record.imagePlaceholder) else { return false }
        // A video frame's label with its time ("Frame 3 (12.5 s): <image>") has more words than three.
        if text[placeholder.upperBound...].allSatisfy(\.isWhitespace), MediaLabel.matches(text[..<placeholder.lowerBound]) { return true }
        return Words.lowercased(text.replacingOccurrences(of: Record.imagePlaceholder, with: " ")).count <= 3
    }

    private func answerFlags(_ exchange: Exchange, type: QuestionType, readsText: Bool) -> [QualityFlag] {
        let place = "turn \(exchange.turn + 1)"
        guard !exchange.answerWords.isEmpty else {
            return [QualityFlag(code: QualityCode.emptyAnswer, reason: "\(place): the answer is empty")]
        }
        var flags: [QualityFlag] = []
        let joined = exchange.answerWords.joined(separator: " ")
        if let phrase = QualityResources.boilerplate.first(where: { TextSearch.containsWords(joined, $0) }) {
            flags.append(QualityFlag(code: QualityCode.boilerplate, reason: "\(place): the answer says \"\(phrase)\" instead of answering"))
        } else if !readsText, QualityResources.nonAnswers.contains(joined) {
            flags.append(QualityFlag(code: QualityCode.boilerplate, reason: "\(place): the answer \"\(joined)\" says nothing"))
        }
        if let bounds = settings.lengthBounds[type] {
            let count = Self.wordCount(exchange.answerWords)
            if let min = bounds.minWords, count < min {
                flags.append(QualityFlag(code: QualityCode.tooShort, reason: "\(place): \(count) word\(count == 1 ? "" : "s"), fewer than the \(min) a \(type.rawValue) answer needs"))
            }
            if let max = bounds.maxWords, count > max {
                flags.append(QualityFlag(code: QualityCode.tooLong, reason: "\(place): \(count) words, more than the \(max) a \(type.rawValue) answer may have"))
            }
        }
        let questionWords = exchange.questionWords
        // A question of several lines (the question, then how to answer it: "… a single word or phrase.") is also
        // compared line by line: an answer that copies the question line alone differs from the whole.
        let lines = exchange.answerWords.count >= 3 && exchange.question.utf8.contains(0x0A)
            ? exchange.question.split(separator: "\n").map { Words.lowercased(String($0)) }.filter { !$0.isEmpty } : []
        if Self.repeats(answer: exchange.answerWords, question: questionWords)
            || lines.contains(where: { $0.count >= 4 && Self.repeats(answer: exchange.answerWords, question: $0) })
        {
            flags.append(QualityFlag(code: QualityCode.answerRepeatsQuestion, reason: "\(place): the answer repeats the question"))
        } else if type == .shortVQA || type == .longVQA,
            Self.leaks(answer: exchange.answerWords, question: questionWords)
                || lines.contains(where: { Self.leaks(answer: exchange.answerWords, question: $0) })
        {
            flags.append(QualityFlag(code: QualityCode.answerLeaksIntoQuestion, reason: "\(place): the question already contains the answer \"\(joined)\""))
        }
        return flags
    }

    /// Ideographic characters are words of their own; two of them make about one English word.
    static func wordCount(_ words: [String]) -> Int {
        var ideographs = 0, others = 0
        for word in words {
            if let scalar = word.unicodeScalars.first, Words.isIdeographic(scalar) { ideographs += 1 } else { others += 1 }
        }
        return others + (ideographs + 1) / 2
    }

    /// The answer is the question again: the same words, or the whole question copied with a few words added.
    static func repeats(answer: [String], question: [String]) -> Bool {
        guard !question.isEmpty else { return false }
        if answer == question { return true }
        guard question.count >= 5, answer.count >= question.count else { return false }
        return Array(answer.prefix(question.count)) == question && answer.count - question.count <= 3
    }

    /// The question holds the answer's words verbatim (3 words or more), and is not a choice between things it names.
    static func leaks(answer: [String], question: [String]) -> Bool {
        guard answer.count >= 3, question.count > answer.count, !question.contains("or") else { return false }
        return TextSearch.containsWords(question.joined(separator: " "), answer.joined(separator: " "))
    }

    private func multipleChoiceFlags(_ record: Record, answer: String, question: String) -> [QualityFlag] {
        var flags: [QualityFlag] = []
        let options = record.options ?? []
        // Loom's generators always write four options; a converted dataset (NLVR2's true/false, a choice among
        // its images) decides its own number.
        let allowed = record.provenance.generator == ValidationSettings.convertedGenerator ? 2...optionLetters.count : optionLetters.count...optionLetters.count
        if !allowed.contains(options.count) {
            let wanted = allowed.count == 1 ? "\(optionLetters.count)" : "\(allowed.lowerBound) to \(allowed.upperBound)"
            flags.append(QualityFlag(code: QualityCode.optionCount, reason: "multiple choice has \(options.count) options, not \(wanted)"))
        }
        let normalized = options.map { Words.joinedLowercase($0) }
        if Set(normalized).count != normalized.count || normalized.contains("") {
            flags.append(QualityFlag(code: QualityCode.optionsNotDistinct, reason: "the options are not distinct: \(options.joined(separator: " / "))"))
        }
        guard let key = record.answerKey, let keyIndex = optionLetters.firstIndex(of: key), keyIndex < options.count else {
            flags.append(QualityFlag(code: QualityCode.answerKey, reason: "no option is marked correct (answer key \(record.answerKey ?? "missing"))"))
            return flags
        }
        for (index, option) in options.enumerated() where !TextSearch.contains(question, "\(optionLetters[index]). \(option)") {
            flags.append(QualityFlag(code: QualityCode.answerKey, reason: "option \(optionLetters[index]) is not shown in the question as \"\(optionLetters[index]). \(option)\""))
            break
        }
        switch Self.answerLetter(answer) {
        case .some(let letter) where letter == key: break
        case .some(let letter):
            flags.append(QualityFlag(code: QualityCode.answerKey, reason: "the answer gives \(letter) but the key marks \(key)"))
        case .none:
            flags.append(QualityFlag(code: QualityCode.answerKey, reason: "the answer \"\(answer.prefix(40))\" names no option letter"))
        }
        return flags
    }

    /// The option letter an answer gives: "B", "B.", "(B)", "B) red", "The answer is B.".
    static func answerLetter(_ answer: String) -> String? {
        let words = answer.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { $0.trimmingCharacters(in: .punctuationCharacters) }
        let candidates = words.count <= 1 ? words : Array(words.prefix(1)) + (words.count <= 6 ? Array(words.suffix(from: 1)) : [])
        for word in candidates {
            let upper = word.uppercased()
            if upper.count == 1, optionLetters.contains(upper), word == upper { return upper }
        }
        return nil
    }

    private func judgementFlags(_ record: Record, answer: Exchange, language: String) -> [QualityFlag] {
        guard !answer.answerWords.isEmpty else { return [] }
        guard let said = JudgementAnswer.yesOrNo(answer.answer, language: language) else {
            return [QualityFlag(code: QualityCode.judgementAnswer, reason: "a judgement answer must begin with yes or no; it begins \"\(answer.answer.prefix(30))\"")]
        }
        if let key = record.answerKey?.lowercased(), key == "yes" || key == "no", key != said {
            return [QualityFlag(code: QualityCode.judgementAnswer, reason: "the answer says \(said) but the key says \(key)")]
        }
        return []
    }

    private func languageFlags(_ exchanges: [Exchange], language: String) -> [QualityFlag] {
        var words: [String] = []
        for exchange in exchanges {
            words += exchange.questionWords
            words += exchange.answerWords
            if words.count > 400 { break }
        }
        guard let guessed = LanguageGuess.guess(words), guessed != language else { return [] }
        return [QualityFlag(code: QualityCode.language, reason: "the record is marked '\(language)' but its text reads as '\(guessed)'")]
    }

    private func referenceFlags(_ record: Record, exchanges: [Exchange]) -> [QualityFlag] {
        var flags: [QualityFlag] = []
        let count = record.media.count
        var named: Set<Int> = []
        for exchange in exchanges {
            named.formUnion(ImageReferences(words: exchange.questionWords, count: count).indices)
            named.formUnion(ImageReferences(words: exchange.answerWords, count: count).indices)
        }
        let missing = named.filter { $0 < 1 || $0 > count }.sorted()
        if !missing.isEmpty {
            flags.append(QualityFlag(
                code: QualityCode.missingImageReference,
                reason: "the text refers to image \(missing.map(String.init).joined(separator: ", ")) but the record has \(count) image\(count == 1 ? "" : "s")"))
        }
        if count > 1, record.type != .caption, let first = exchanges.first {
            let references = ImageReferences(words: first.questionWords, count: count)
            if !references.refersToAny {
                flags.append(QualityFlag(code: QualityCode.singleImageReference, reason: "the question over \(count) images does not say which image it asks about"))
            } else if (record.skill == .comparison || record.skill == .temporal), !references.refersToSeveral {
                flags.append(QualityFlag(code: QualityCode.singleImageReference, reason: "a \(record.skill!.rawValue) question must refer to more than one image; this one names only image \(references.indices.sorted().map(String.init).joined(separator: ", "))"))
            }
        }
        return flags
    }

    /// One flag per code and reason.
    static func merged(_ flags: [QualityFlag]) -> [QualityFlag] {
        var seen: Set<QualityFlag> = []
        return flags.filter { seen.insert($0).inserted }
    }
}
