import LoomCore

/// Adds records to `DatasetStatistics` one at a time: counters in dictionaries, nothing per record kept.
struct StatisticsAccumulator {
    private var statistics = DatasetStatistics()
    private var domains: [String: Int] = [:]
    private var types: [String: Int] = [:]
    private var skills: [String: Int] = [:]
    private var languages: [String: Int] = [:]
    private var sampleKinds: [String: Int] = [:]
    private var mediaCounts: [Int: Int] = [:]
    private var verbs = VerbDiversityCounter()
    private var flags = FlagCounter()
    private var duplicateCodes: [String: Int] = [:]
    private let analyser: InstructionVerbs
    /// Positions among kept records (in id order) to show as samples.
    private let samplePositions: Set<Int>
    private var keptSeen = 0

    /// - Parameter keptRecords: how many unflagged records the store holds, to spread the samples over them.
    init(keptRecords: Int, analyser: InstructionVerbs = InstructionVerbs()) {
        self.analyser = analyser
        samplePositions = Self.evenlySpaced(count: DatasetStatistics.sampleCount, among: keptRecords)
    }

    /// `count` positions spread evenly over `0..<total` (all of them when there are fewer).
    static func evenlySpaced(count: Int, among total: Int) -> Set<Int> {
        guard total > 0, count > 0 else { return [] }
        if total <= count { return Set(0..<total) }
        return Set((0..<count).map { $0 * total / count + total / (2 * count) })
    }

    mutating func add(_ record: Record, kind: SampleKind?, media: (String) throws -> MediaItem?) rethrows {
        statistics.records += 1
        let type = record.type.rawValue
        domains[record.domain.rawValue, default: 0] += 1
        types[type, default: 0] += 1
        skills[record.skill?.rawValue ?? "none", default: 0] += 1
        languages[record.language, default: 0] += 1
        sampleKinds[kind?.rawValue ?? "unknown", default: 0] += 1
        mediaCounts[record.media.count, default: 0] += 1

        let instruction = RecordText.instruction(of: record)
        let answer = RecordText.answer(of: record)
        let instructionWords = RecordText.wordCount(instruction)
        let answerWords = RecordText.wordCount(answer)
        statistics.instructionWords.add(instructionWords)
        statistics.answerWords.add(answerWords)
        statistics.instructionWordsByType[type, default: LengthHistogram(lowerBounds: LengthHistogram.questionBounds)]
            .add(instructionWords)
        statistics.answerWordsByType[type, default: LengthHistogram(lowerBounds: LengthHistogram.answerBounds)]
            .add(answerWords)
        if record.language.lowercased().hasPrefix("en") {
            verbs.add(analyser.analyse(RecordText.question(of: record)))
        }

        if record.flags.isEmpty {
            if samplePositions.contains(keptSeen) {
                statistics.samples.append(SampleRecord(
                    id: record.id, type: type, domain: record.domain.rawValue, skill: record.skill?.rawValue,
                    sampleKind: kind?.rawValue, language: record.language,
                    images: try record.media.compactMap { try media($0)?.path },
                    instruction: SampleRecord.shortened(instruction), answer: SampleRecord.shortened(answer),
                    turns: record.turns.count))
            }
            keptSeen += 1
            statistics.kept += 1
        } else {
            statistics.flagged += 1
            flags.add(record.flags, recordID: record.id)
            let duplicates = Set(record.flags.map(\.code).filter { $0.hasPrefix(DuplicateSummary.codePrefix) })
            if !duplicates.isEmpty { statistics.duplicates.records += 1 }
            for code in duplicates { duplicateCodes[code, default: 0] += 1 }
        }
    }

    /// The statistics of every record added.
    func result() -> DatasetStatistics {
        var out = statistics
        out.domains = LabelCount.sorted(domains)
        out.types = LabelCount.sorted(types)
        out.skills = LabelCount.sorted(skills)
        out.languages = LabelCount.sorted(languages)
        out.sampleKinds = LabelCount.sorted(sampleKinds)
        out.mediaCounts = LabelCount.numericallySorted(mediaCounts)
        out.verbs = verbs.result(topVerbs: DatasetStatistics.topVerbs, topObjects: DatasetStatistics.topObjectsPerVerb)
        out.flags = flags.result
        out.duplicates.byCode = LabelCount.sorted(duplicateCodes)
        return out
    }
}
