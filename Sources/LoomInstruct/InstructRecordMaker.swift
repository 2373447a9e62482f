import LoomCore

/// Turns what a model wrote into records: the media placeholders open the first question, multiple-choice
/// options are listed with letters (and moved so the correct letter is spread evenly, since models favour A
/// and B), and the answer instruction of the type is appended, as the template generator does.
public struct InstructRecordMaker: Sendable {
    public let sample: Sample
    public let language: String
    /// The sample's seed, for provenance and the option order.
    public let seed: UInt64

    public init(sample: Sample, language: String, seed: UInt64) {
        self.sample = sample
        self.language = language
        self.seed = seed
    }

    /// A record of one or more exchanges.
    /// - Parameters:
    ///   - slot: unique within the sample: the record id derives from it.
    ///   - mediaOrder: indices into the sample's media, when the record shows only some of them, in this order.
    public func record(
        slot: String, exchanges: [(question: String, answer: String)], type: QuestionType, domain: Domain, skill: Skill?,
        generator: String, prompt: String, model: ModelProvenance, instruction: String? = nil, mediaOrder: [Int]? = nil
    ) -> Record {
        let media = mediaOrder.map { $0.map { sample.media[$0] } } ?? sample.media
        var turns: [Turn] = []
        for (index, exchange) in exchanges.enumerated() {
            var question = exchange.question
            if index == 0, let instruction, !instruction.isEmpty { question += "\n" + instruction }
            if index == 0 {
                // Frames shown in their video's order say their times; reordered ones must not tell the order.
                let times = mediaOrder == nil ? sample.truth.frameTimes : nil
                question = Record.mediaPrefix(count: media.count, kind: sample.kind, frameTimes: times) + question
            }
            turns.append(Turn(role: .user, text: question))
            turns.append(Turn(role: .assistant, text: exchange.answer))
        }
        return Record(
            id: StableID.derive("rec", sample.id, slot), sampleID: sample.id, media: media, turns: turns, type: type,
            domain: domain, skill: media.count > 1 ? skill : nil, language: language, options: nil, answerKey: nil,
            checks: [], provenance: Provenance(generator: generator, template: prompt, phrasing: 0, seed: seed, model: model))
    }

    /// A record of one written question of any of MMInstruct's four types.
    public func record(
        slot: String, written: WrittenQuestion, type: QuestionType, domain: Domain, generator: String, prompt: String,
        model: ModelProvenance, instruction: String?
    ) -> Record {
        guard type == .multipleChoice, let options = written.options, let key = written.answerKey,
            let keyIndex = optionLetters.firstIndex(of: key)
        else {
            var record = self.record(
                slot: slot, exchanges: [(written.question, written.answer)], type: type, domain: domain, skill: nil,
                generator: generator, prompt: prompt, model: model, instruction: instruction)
            record.answerKey = written.answerKey
            return record
        }
        var reordered = options
        let correct = reordered.remove(at: keyIndex)
        let target = Int(StableID.seed(seed, sample.id, slot, "options") % UInt64(optionLetters.count))
        reordered.insert(correct, at: target)
        let listed = zip(optionLetters, reordered).map { "\($0). \($1)" }.joined(separator: "\n")
        var record = self.record(
            slot: slot, exchanges: [(written.question + "\n" + listed, optionLetters[target])], type: type, domain: domain,
            skill: nil, generator: generator, prompt: prompt, model: model, instruction: instruction)
        record.options = reordered
        record.answerKey = optionLetters[target]
        return record
    }
}
