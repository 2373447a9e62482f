import LoomCore

/// Turns one row of an existing dataset into a multi-image sample and its record, the way Mantis converted
/// NLVR2, Spot-the-Diff and similar data: a statement becomes True/False multiple choice with shuffled options,
/// a difference description a long answer, a question about images multiple choice with the images as options,
/// shown in shuffled order. The dataset's answer is carried into the record and checked against the row.
public struct DatasetConverter: Sendable {
    /// Answers of at least this many words are long VQA; shorter ones are short VQA.
    static let longAnswerWords = 20

    public let catalog: TemplateCatalog
    public let language: String

    public init(catalog: TemplateCatalog, language: String = "en") {
        self.catalog = catalog
        self.language = language
    }

    /// The sample and record for one row.
    ///
    /// - Parameters:
    ///   - media: the ingested ids of the row's images, in the row's order.
    ///   - seed: decides the phrasing, the option order and the image order.
    public func convert(
        id: String, ordinal: Int, source: String, media: [String], content: DatasetRowContent,
        conversion: DatasetConversion, seed: UInt64
    ) throws -> (Sample, Record) {
        var rng = SeededGenerator(seed: seed)
        let templates = catalog.conversions
        let instructions = catalog.instructions
        let kind: SampleKind = media.count == 2 ? .pair : .set
        var shown = media
        let question: String
        let answer: FactValue
        var options: [String]?
        let type: QuestionType
        switch content {
        case .statement(let statement, let holds):
            var choices = templates.statementOptions
            choices.shuffle(using: &rng)
            options = choices
            answer = .text(templates.statementOptions[holds ? 0 : 1])
            question = try TemplateText.fill(rng.pick(templates.statement)!, ["statement": statement])
            type = .multipleChoice
        case .difference(let difference, let asked):
            answer = .text(difference)
            question = try asked ?? rng.pick(templates.difference).map { try TemplateText.fill($0, [:]) } ?? ""
            // A dataset's one-line difference is a short answer; only a paragraph is long VQA (MMInstruct's split).
            type = difference.split(whereSeparator: \.isWhitespace).count >= Self.longAnswerWords ? .longVQA : .shortVQA
        case .choice(let asked, let caption, let correct):
            // Shuffle the images, not the letters: "Image 1" stays option A, and the right image lands anywhere.
            let order = Array(media.indices).shuffled(using: &rng)
            shown = order.map { media[$0] }
            let position = order.firstIndex(of: correct)!
            answer = .medium(position)
            options = shown.indices.map { "Image \($0 + 1)" }
            question = try asked ?? TemplateText.fill(rng.pick(templates.captionChoice)!, ["caption": caption ?? ""])
            type = .multipleChoice
        }
        let truth = SampleTruth.converted(ConvertedTruth(kind: kind, source: source, answer: answer))
        let sample = Sample(id: id, kind: kind, ordinal: ordinal, media: shown, truth: truth)
        let composer = RecordComposer(sample: sample, language: language, seed: seed)
        let instruction = rng.pick(instructions.variants(for: type)).map { "\n" + $0 } ?? ""
        let slot = "converted.\(conversion.task.rawValue)"
        let record: Record
        if let options {
            let rendered = Phrasing.normalized(answer.rendered(mediumNoun: kind.mediumNoun))
            let key = optionLetters[options.firstIndex { Phrasing.normalized($0) == rendered }!]
            let listed = zip(optionLetters, options).map { "\($0). \($1)" }.joined(separator: "\n")
            record = composer.record(
                slot: slot, question: question + "\n" + listed + instruction, answer: key, type: type,
                domain: conversion.domain, skill: conversion.skill, options: options, answerKey: key,
                checks: [AnswerCheck(turn: 1, kind: .choice(.datasetAnswer), expected: answer)], template: slot, phrasing: 0)
        } else {
            record = composer.record(
                slot: slot, question: question + instruction, answer: answer.rendered(mediumNoun: kind.mediumNoun),
                type: type, domain: conversion.domain, skill: conversion.skill,
                checks: [AnswerCheck(turn: 1, kind: .exact(.datasetAnswer), expected: answer)], template: slot, phrasing: 0)
        }
        var converted = record
        converted.provenance.generator = "converter"
        converted.provenance.template = "\(conversion.task.rawValue):\(source)"
        return (sample, converted)
    }
}
