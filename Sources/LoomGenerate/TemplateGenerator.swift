import LoomCore

/// The offline generator: instantiates the seed-question templates of every domain from a sample's ground
/// truth, in all four MMInstruct types, plus long descriptions and five-turn conversations.
///
/// Generation depends only on the sample and its seed, so samples can be generated in any order, in
/// parallel, or again after a crash, with identical results.
public struct TemplateGenerator: Sendable {
    /// The domain of long descriptions.
    public static let descriptionDomain: Domain = "image_description"
    /// The domain of five-turn conversations.
    public static let conversationDomain: Domain = "multi_round"

    public let catalog: TemplateCatalog
    public let types: Set<QuestionType>
    public let domains: Set<Domain>?
    public let language: String
    /// Every object category of the user's collection, sorted: presence questions draw absent categories from
    /// it. Empty for drawn scenes.
    public var categories: [String] = []

    /// The catalog's domains that this generator makes, with their templates prepared.
    private let preparedDomains: [PreparedDomain]
    /// The single-answer types asked, in the order rotation offers them (a set lookup per intent hashed each
    /// type's name).
    private let singleAnswerTypes: [QuestionType]

    /// - Parameters:
    ///   - domains: the domains to generate; nil for all.
    public init(catalog: TemplateCatalog, types: [QuestionType], domains: [Domain]?, language: String = "en") {
        self.catalog = catalog
        self.types = Set(types)
        let domains = domains.flatMap { $0.isEmpty ? nil : Set($0) }
        self.domains = domains
        self.language = language
        preparedDomains = catalog.domains.filter { domains?.contains($0.domain) ?? true }.map(PreparedDomain.init)
        singleAnswerTypes = [QuestionType.judgement, .multipleChoice, .shortVQA].filter(types.contains)
    }

    private func wants(_ domain: Domain) -> Bool { domains?.contains(domain) ?? true }

    /// Every record for one sample.
    public func records(for sample: Sample, seed: UInt64) throws -> [Record] {
        var rng = SeededGenerator(seed: seed)
        let composer = RecordComposer(sample: sample, language: language, seed: seed)
        var records: [Record] = []
        records.reserveCapacity(32)
        var intentIndex = 0
        for domain in preparedDomains {
            let context = IntentContext(
                truth: sample.truth, kind: sample.kind, distractorWords: domain.distractors, categories: categories)
            for prepared in domain.intents where prepared.template.applies(to: sample.truth) {
                defer { intentIndex += 1 }
                guard let intent = prepared.intent, let instance = intent(context, &rng) else { continue }
                try appendQuestionRecords(
                    instance, prepared, domain: domain.domain, composer: composer,
                    rotation: sample.ordinal + intentIndex, rng: &rng, to: &records)
            }
        }
        // Descriptions and conversations are composed from drawn scenes' complete truth; annotations of a photo
        // are not complete enough to describe it.
        switch sample.truth {
        case .annotated, .video: return records
        default: break
        }
        if types.contains(.longVQA) && wants(Self.descriptionDomain) {
            let describer = DescriptionComposer(templates: catalog.descriptions, instructions: catalog.instructions)
            if let record = try describer.record(composer: composer, rng: &rng) { records.append(record) }
        }
        if types.contains(.multiRound) && wants(Self.conversationDomain) && sample.kind == .single {
            let talker = ConversationComposer(templates: catalog.conversation)
            if let record = try talker.record(composer: composer, rng: &rng) { records.append(record) }
        }
        return records
    }

    /// Appends the records of one intent instance: one question type, chosen by rotation so that types (and the
    /// correct letters of multiple choice) spread evenly; a judgement comes as a yes and a no record.
    private func appendQuestionRecords(
        _ instance: IntentInstance, _ prepared: PreparedIntent, domain: Domain, composer: RecordComposer,
        rotation: Int, rng: inout SeededGenerator, to records: inout [Record]
    ) throws {
        let template = prepared.template
        // The types this instance can be asked as, in `singleAnswerTypes` order: counted, then the rotation's one
        // picked, without gathering them in an array (this runs for every intent of every sample).
        func isOffered(_ type: QuestionType) -> Bool {
            guard template.phrasings(for: type) != nil else { return false }
            switch type {
            case .judgement: return !instance.distractors.isEmpty || instance.negative != nil
            case .multipleChoice: return instance.distractors.count >= 3
            default: return true
            }
        }
        let offeredCount = singleAnswerTypes.reduce(0) { $0 + (isOffered($1) ? 1 : 0) }
        guard offeredCount > 0 else { return }
        let type = singleAnswerTypes.lazy.filter(isOffered).dropFirst(rotation % offeredCount).first!
        let phrasings = template.phrasings(for: type)!
        let instructions =
            type == .shortVQA ? (template.shortInstruction ?? catalog.instructions.variants(for: type))
            : catalog.instructions.variants(for: type)
        let name = prepared.name
        let skill = template.skill

        func question(_ extra: TemplateBindings) throws -> (text: String, phrasing: Int) {
            let index = rng.int(in: 0...(phrasings.count - 1))
            let text = try TemplateText.fill(phrasings[index], instance.bindings, overrides: extra)
            return (text, index)
        }
        func instruction() -> String { rng.pick(instructions).map { "\n" + $0 } ?? "" }

        switch type {
        case .judgement:
            // Both answers, always: yes/no stays exactly balanced in every domain.
            let claims: [(truth: Bool, fact: Fact, candidate: FactValue, bindings: TemplateBindings)] =
                if let negative = instance.negative {
                    [(true, instance.fact, instance.value, [:]), (false, negative.fact, instance.value, negative.bindings)]
                } else {
                    [(true, instance.fact, instance.value, [:]), (false, instance.fact, instance.distractors[0], [:])]
                }
            for (truth, fact, candidate, bindings) in claims {
                var extra = instance.candidateBindings(candidate).merging(bindings)
                extra["candidate"] = extra["candidate"] ?? candidate.rendered(mediumNoun: composer.sample.kind.mediumNoun)
                let (text, phrasing) = try question(extra)
                records.append(
                    composer.record(
                        slot: truth ? prepared.judgementYesSlot : prepared.judgementNoSlot, question: text + instruction(),
                        answer: truth ? "Yes" : "No", type: .judgement, domain: domain, skill: skill,
                        answerKey: truth ? "yes" : "no",
                        checks: [AnswerCheck(turn: 1, kind: .claim(fact, candidate: candidate), expected: fact == instance.fact ? instance.value : nil)],
                        template: name, phrasing: phrasing, mediaOrder: instance.mediaOrder))
            }
        case .multipleChoice:
            // Samples that reach multiple choice through this intent come `offeredCount` rotations apart: step the letter each time.
            let keyIndex = (rotation / offeredCount) % optionLetters.count
            var options = instance.distractors.prefix(3).map(composer.render)
            options.insert(composer.render(instance.value), at: keyIndex)
            let (text, phrasing) = try question([:])
            let listed = zip(optionLetters, options).map { "\($0). \($1)" }.joined(separator: "\n")
            records.append(
                composer.record(
                    slot: prepared.multipleChoiceSlot, question: text + "\n" + listed + instruction(),
                    answer: optionLetters[keyIndex], type: .multipleChoice, domain: domain, skill: skill,
                    options: options, answerKey: optionLetters[keyIndex],
                    checks: [AnswerCheck(turn: 1, kind: .choice(instance.fact), expected: instance.value)],
                    template: name, phrasing: phrasing, mediaOrder: instance.mediaOrder))
        default:
            let (text, phrasing) = try question([:])
            records.append(
                composer.record(
                    slot: prepared.shortSlot, question: text + instruction(),
                    answer: composer.render(instance.value) + (template.sentenceAnswer == true ? "." : ""),
                    type: .shortVQA, domain: domain, skill: skill,
                    checks: [AnswerCheck(turn: 1, kind: .exact(instance.fact), expected: instance.value)],
                    template: name, phrasing: phrasing, mediaOrder: instance.mediaOrder))
        }
    }
}
