import LoomCore

/// The independent answer checker: recomputes every answer of a record from the sample's ground truth and
/// reports each disagreement as a quality flag.
public enum AnswerChecker {
    /// Flag code for an answer that does not match the ground truth.
    public static let disagreement = "check.disagreement"
    /// Flag code for a question whose answer the ground truth does not determine.
    public static let unanswerable = "check.unanswerable"
    /// Flag code for a record whose form is broken (placeholders, options, turns).
    public static let malformed = "check.malformed"

    /// All problems found in `record`; empty when every answer is right.
    public static func check(_ record: Record, truth: SampleTruth) -> [QualityFlag] {
        var flags = structuralProblems(record)
        if record.checks.isEmpty {
            flags.append(QualityFlag(code: malformed, reason: "the record has no answer checks: nothing ties it to ground truth"))
        }
        let evaluator = FactEvaluator(truth: truth)
        let noun = truth.kind.mediumNoun
        for check in record.checks {
            guard record.turns.indices.contains(check.turn), record.turns[check.turn].role == .assistant else {
                flags.append(QualityFlag(code: malformed, reason: "a check points at turn \(check.turn), which is not an answer"))
                continue
            }
            let answer = record.turns[check.turn].text
            var place: String { "turn \(check.turn + 1)" }  // spelled only for a problem
            do {
                if let problem = try verify(check, answer: answer, record: record, evaluator: evaluator, noun: noun) {
                    flags.append(QualityFlag(code: disagreement, reason: "\(place): \(problem)"))
                }
            } catch let error as Unanswerable {
                flags.append(QualityFlag(code: unanswerable, reason: "\(place): \(error.description)"))
            } catch {
                flags.append(QualityFlag(code: unanswerable, reason: "\(place): \(error)"))
            }
        }
        return flags
    }

    /// One check; returns the disagreement, if any.
    private static func verify(
        _ check: AnswerCheck, answer: String, record: Record, evaluator: FactEvaluator, noun: String
    ) throws -> String? {
        func spelled(_ value: FactValue) -> String { Phrasing.normalized(value.rendered(mediumNoun: noun)) }
        switch check.kind {
        case .exact(let fact):
            let truth = spelled(try evaluator.value(of: fact))
            if Phrasing.normalized(answer) != truth {
                return "the answer is '\(answer)' but the ground truth gives '\(truth)'"
            }
            return expectedMismatch(check, truth, spelled)
        case .choice(let fact):
            let truth = spelled(try evaluator.value(of: fact))
            guard let options = record.options, (2...optionLetters.count).contains(options.count) else {
                return "multiple choice needs 2 to \(optionLetters.count) options, found \(record.options?.count ?? 0)"
            }
            let normalized = options.map(Phrasing.normalized)
            // At most four options: comparing each with those before it beats hashing them into a set.
            let distinct = normalized.indices.allSatisfy { index in !normalized[..<index].contains(normalized[index]) }
            guard distinct else { return "the options are not distinct" }
            let correct = normalized.indices.filter { normalized[$0] == truth }
            guard correct.count == 1 else {
                return "\(correct.count) options equal the ground truth '\(truth)'"
            }
            let letter = optionLetters[correct[0]]
            if record.answerKey != letter || Phrasing.normalized(answer) != letter.lowercased() {
                return "the answer is '\(answer)' but the correct option is \(letter) ('\(options[correct[0]])')"
            }
            return expectedMismatch(check, truth, spelled)
        case .claim(let fact, let candidate):
            let truth = try evaluator.value(of: fact)
            let holds = spelled(truth) == spelled(candidate)
            let said = Phrasing.normalized(answer)
            guard said == "yes" || said == "no" else { return "a judgement must be answered yes or no, not '\(answer)'" }
            if (said == "yes") != holds {
                return "the answer is '\(answer)' but '\(spelled(candidate))' is \(holds ? "right" : "wrong"): the ground truth gives '\(spelled(truth))'"
            }
            return nil
        case .mentions(let fact):
            let truth = spelled(try evaluator.value(of: fact))
            let span = check.span ?? answer
            guard TextSearch.contains(answer, span) else { return "the checked sentence is no longer in the answer" }
            if !TextSearch.containsWords(Phrasing.normalized(span), truth) {
                return "'\(span)' does not state the ground truth '\(truth)'"
            }
            return expectedMismatch(check, truth, spelled)
        case .describes(let claim):
            return try describes(claim, answer: check.span ?? answer, fullAnswer: answer, evaluator: evaluator)
        }
    }

    /// - Parameter truth: the ground truth's value as spelled for comparison.
    private static func expectedMismatch(_ check: AnswerCheck, _ truth: String, _ spelled: (FactValue) -> String)
        -> String?
    {
        guard let expected = check.expected else { return nil }
        let computed = spelled(expected)
        return computed == truth ? nil : "the generator computed '\(computed)' but the ground truth gives '\(truth)'"
    }

    private static func describes(
        _ claim: DescriptionClaim, answer: String, fullAnswer: String, evaluator: FactEvaluator
    ) throws -> String? {
        let scenes = evaluator.truth.scenes
        guard scenes.indices.contains(claim.image) else { throw Unanswerable("the sample has no medium \(claim.image + 1)") }
        let scene = scenes[claim.image]
        func key(_ shape: Shape, _ color: ObjectColor, _ size: SizeClass, _ pattern: Pattern) -> String {
            "\(size.rawValue) \(color.rawValue) \(pattern.rawValue) \(shape.rawValue)"
        }
        let claimed = claim.items.map { key($0.shape, $0.color, $0.size, $0.pattern) }.sorted()
        let present = scene.objects.map { key($0.shape, $0.color, $0.size, $0.pattern) }.sorted()
        if claimed != present {
            return "the description lists \(claimed.count) objects (\(claimed.joined(separator: ", "))) but the image has \(present.count) (\(present.joined(separator: ", ")))"
        }
        guard TextSearch.contains(fullAnswer, answer) else { return "the checked sentence is no longer in the answer" }
        let text = answer.lowercased()
        for item in present where !TextSearch.contains(text, item) {
            return "the description never mentions the \(item)"
        }
        if let labels = claim.labels {
            if labels.sorted() != scene.labels.map(\.text).sorted() {
                return "the description gives the signs \(labels) but the image shows \(scene.labels.map(\.text))"
            }
            for label in labels where !TextSearch.contains(answer, "\"\(label)\"") {
                return "the description never quotes the sign \"\(label)\""
            }
        }
        return nil
    }

    /// Problems of form: placeholder count, turn order.
    static func structuralProblems(_ record: Record) -> [QualityFlag] {
        var flags: [QualityFlag] = []
        if record.placeholderCount != record.media.count {
            flags.append(QualityFlag(code: malformed,
                reason: "the text holds \(record.placeholderCount) <image> placeholders for \(record.media.count) media"))
        }
        for (index, turn) in record.turns.enumerated() where turn.role != (index.isMultiple(of: 2) ? .user : .assistant) {
            flags.append(QualityFlag(code: malformed, reason: "turn \(index + 1) should be spoken by the \(index.isMultiple(of: 2) ? "user" : "assistant")"))
            break
        }
        if record.turns.last?.role != .assistant {
            flags.append(QualityFlag(code: malformed, reason: "the conversation does not end with an answer"))
        }
        return flags
    }
}
