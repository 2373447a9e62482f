import LoomCore

/// Turns instantiated facts into the text of records: the media placeholders, the question, the options,
/// the instruction on how to answer, and the answer.
struct RecordComposer {
    let sample: Sample
    let language: String
    let seed: UInt64
    /// The prefix of a question about all of the sample's media, in order: made once per sample, not per record.
    private let allMediaPrefix: String

    init(sample: Sample, language: String, seed: UInt64) {
        self.sample = sample
        self.language = language
        self.seed = seed
        allMediaPrefix = Record.mediaPrefix(count: sample.media.count, kind: sample.kind, frameTimes: sample.truth.frameTimes)
    }

    /// `<image>` per medium, labelled "Image 1: <image>" when there are several, then a line break. Only the
    /// sample's own media in its order are labelled with their times: shuffled frames must not tell their order.
    func mediaPrefix(count: Int, inSampleOrder: Bool = true) -> String {
        count == sample.media.count && inSampleOrder ? allMediaPrefix : Record.mediaPrefix(count: count, kind: sample.kind)
    }

    func render(_ value: FactValue) -> String {
        Phrasing.capitalized(value.rendered(mediumNoun: sample.kind.mediumNoun))
    }

    /// A single-turn record.
    func record(
        slot: String, question: String, answer: String, type: QuestionType, domain: Domain, skill: Skill?,
        options: [String]? = nil, answerKey: String? = nil, checks: [AnswerCheck], template: String, phrasing: Int,
        mediaOrder: [Int]? = nil
    ) -> Record {
        conversation(
            slot: slot, exchanges: [(question, answer)], type: type, domain: domain, skill: skill, options: options,
            answerKey: answerKey, checks: checks, template: template, phrasing: phrasing, mediaOrder: mediaOrder)
    }

    /// A record of one or more question–answer exchanges; the media placeholders open the first question.
    func conversation(
        slot: String, exchanges: [(question: String, answer: String)], type: QuestionType, domain: Domain,
        skill: Skill?, options: [String]? = nil, answerKey: String? = nil, checks: [AnswerCheck], template: String,
        phrasing: Int, mediaOrder: [Int]? = nil
    ) -> Record {
        let media = mediaOrder.map { $0.map { sample.media[$0] } } ?? sample.media
        var turns: [Turn] = []
        for (index, exchange) in exchanges.enumerated() {
            let question = index == 0
                ? mediaPrefix(count: media.count, inSampleOrder: mediaOrder.map { $0 == Array($0.indices) } ?? true) + exchange.question
                : exchange.question
            turns.append(Turn(role: .user, text: question))
            turns.append(Turn(role: .assistant, text: exchange.answer))
        }
        return Record(
            id: StableID.derive("rec", sample.id, slot), sampleID: sample.id, media: media, turns: turns,
            type: type, domain: domain, skill: sample.kind == .single ? nil : skill, language: language,
            options: options, answerKey: answerKey, checks: checks,
            provenance: Provenance(generator: "templates", template: template, phrasing: phrasing, seed: seed))
    }
}
