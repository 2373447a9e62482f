import LoomCheck
import LoomCore
import Testing

@Suite("Answer checker")
struct AnswerCheckerTests {
    private func first(_ type: QuestionType, kind: SampleKind = .single, where condition: (Record) -> Bool = { _ in true })
        throws -> (Sample, Record)
    {
        for (sample, records) in GeneratedSamples.all where sample.kind == kind {
            if let record = records.first(where: { $0.type == type && condition($0) }) { return (sample, record) }
        }
        throw CancellationError()
    }

    @Test("a wrong short answer is caught")
    func wrongShortAnswer() throws {
        var (sample, record) = try first(.shortVQA) { $0.provenance.template == "counting.count_filter" }
        record.turns[1].text = String((Int(record.turns[1].text) ?? 0) + 1)
        let flags = AnswerChecker.check(record, truth: sample.truth)
        #expect(flags.map(\.code) == [AnswerChecker.disagreement])
    }

    @Test("a wrong multiple-choice letter is caught")
    func wrongLetter() throws {
        var (sample, record) = try first(.multipleChoice)
        let wrong = optionLetters.first { $0 != record.answerKey }!
        record.answerKey = wrong
        record.turns[1].text = wrong
        #expect(AnswerChecker.check(record, truth: sample.truth).map(\.code) == [AnswerChecker.disagreement])
    }

    @Test("a flipped judgement is caught")
    func flippedJudgement() throws {
        var (sample, record) = try first(.judgement)
        record.turns[1].text = record.turns[1].text == "Yes" ? "No" : "Yes"
        #expect(AnswerChecker.check(record, truth: sample.truth).map(\.code) == [AnswerChecker.disagreement])
    }

    @Test("a wrong pair difference is caught")
    func wrongPairChange() throws {
        var (sample, record) = try first(.shortVQA, kind: .pair) { $0.provenance.template == "image_comparison.pair_change" }
        record.turns[1].text = "Nothing changed"
        #expect(AnswerChecker.check(record, truth: sample.truth).map(\.code) == [AnswerChecker.disagreement])
    }

    @Test("a description that drops an object is caught")
    func incompleteDescription() throws {
        var (sample, record) = try first(.longVQA)
        guard case .single(var scene) = sample.truth else { throw CancellationError() }
        scene.objects.append(scene.objects[0])  // the truth has one more object than the text describes
        scene.objects[scene.objects.count - 1].id = 999
        let flags = AnswerChecker.check(record, truth: .single(scene))
        #expect(flags.contains { $0.code == AnswerChecker.disagreement })
        // And a text that no longer names an object it claims is caught too.
        let noun = Phrasing.noun(scene.objects[0])
        record.turns[1].text = record.turns[1].text.replacingOccurrences(of: noun, with: "thing")
        #expect(AnswerChecker.check(record, truth: sample.truth).contains { $0.code == AnswerChecker.disagreement })
    }

    @Test("an ambiguous reference is reported as unanswerable")
    func ambiguousReference() throws {
        let (sample, record) = try first(.shortVQA) { $0.provenance.template == "attribute_recognition.color_of" }
        guard case .single(var scene) = sample.truth, case .exact(let fact) = record.checks[0].kind,
            case .attribute(_, let selector, _) = fact, let target = scene.objects.firstIndex(where: selector.matches)
        else { throw CancellationError() }
        var twin = scene.objects[target]
        twin.id = 999
        scene.objects.append(twin)
        #expect(AnswerChecker.check(record, truth: .single(scene)).map(\.code) == [AnswerChecker.unanswerable])
    }

    @Test("a record whose placeholders do not match its media is malformed")
    func placeholderMismatch() throws {
        var (sample, record) = try first(.shortVQA)
        record.turns[0].text = "<image><image>" + record.turns[0].text
        #expect(AnswerChecker.check(record, truth: sample.truth).contains { $0.code == AnswerChecker.malformed })
    }
}
