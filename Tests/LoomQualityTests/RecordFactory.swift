import LoomCore

/// Records for validator tests: one question and answer over `images` media.
enum RecordFactory {
    static func record(
        question: String, answer: String, type: QuestionType = .shortVQA, images: Int = 1, skill: Skill? = nil,
        language: String = "en", options: [String]? = nil, answerKey: String? = nil, kind: SampleKind? = nil
    ) -> Record {
        let media = (0..<images).map { "img\($0)" }
        var text = Record.mediaPrefix(count: images, kind: kind ?? (images == 1 ? .single : .set)) + question
        if let options {
            text += "\n" + zip(optionLetters, options).map { "\($0). \($1)" }.joined(separator: "\n")
        }
        return Record(
            id: "rec", sampleID: "smp", media: media, turns: [Turn(role: .user, text: text), Turn(role: .assistant, text: answer)],
            type: type, domain: "test", skill: skill, language: language, options: options, answerKey: answerKey, checks: [],
            provenance: Provenance(generator: "model", template: "test", phrasing: 0, seed: 0))
    }
}
