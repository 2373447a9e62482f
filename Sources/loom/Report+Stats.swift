import Foundation
import LoomReport
import LoomStore

extension Report {
    /// `loom stats` as terminal tables.
    static func statistics(_ s: DatasetStatistics, runDirectory: String) -> String {
        var blocks: [String] = []
        blocks.append(
            "Dataset: \(TextTable.terminalSafe(s.name ?? runDirectory)) (\(runDirectory))\n"
                + "records: \(NumberText.grouped(s.records)) (\(NumberText.grouped(s.kept)) kept, \(NumberText.grouped(s.flagged)) flagged)")
        for (title, counts) in [
            ("domain", s.domains), ("type", s.types), ("skill", s.skills), ("language", s.languages),
            ("sample kind", s.sampleKinds), ("images", s.mediaCounts),
        ] {
            blocks.append(countTable(title, counts, total: s.records))
        }
        blocks.append(histogram("instruction words", s.instructionWords))
        blocks.append(histogram("answer words", s.answerWords))
        blocks.append(verbs(s.verbs))
        blocks.append(flags(s))
        blocks.append(duplicates(s.duplicates))
        if !s.rejections.isEmpty {
            var table = TextTable(["input rejected or noted", "count", "example"], leftAligned: [0, 2])
            for group in s.rejections {
                table.add([group.category, NumberText.grouped(group.count), "\(group.exampleSubject): \(group.exampleReason)"])
            }
            blocks.append(table.render())
        }
        blocks.append(cost(s.cost))
        if !s.samples.isEmpty {
            var table = TextTable(["sample record", "type", "domain", "instruction"], leftAligned: [0, 1, 2, 3])
            for sample in s.samples {
                table.add([sample.id, sample.type, sample.domain, shortened(sample.instruction, 70)])
            }
            blocks.append(table.render())
        }
        return blocks.joined(separator: "\n\n")
    }

    private static func countTable(_ title: String, _ counts: [LabelCount], total: Int) -> String {
        var table = TextTable([title, "records", "share"])
        for count in counts { table.add([count.label, NumberText.grouped(count.count), NumberText.percent(count.count, of: total)]) }
        return table.render()
    }

    private static func histogram(_ title: String, _ histogram: LengthHistogram) -> String {
        var table = TextTable([title, "records", "share", ""], leftAligned: [0, 3])
        let largest = max(1, histogram.counts.max() ?? 1)
        for (bin, count) in histogram.counts.enumerated() {
            let bar = String(repeating: "#", count: (count * 30 + largest - 1) / largest)
            table.add([histogram.label(ofBin: bin), NumberText.grouped(count), NumberText.percent(count, of: histogram.total), bar])
        }
        let summary = histogram.mean.map {
            String(format: "%@: mean %.1f, shortest %d, longest %d", title, $0, histogram.minimum ?? 0, histogram.maximum ?? 0)
        } ?? "\(title): no records"
        return summary + "\n" + table.render()
    }

    private static func verbs(_ v: VerbDiversity) -> String {
        var table = TextTable(["root verb", "instructions", "share", "top objects"], leftAligned: [0, 3])
        for verb in v.verbs {
            let objects = verb.objects.map { "\($0.label) \(NumberText.grouped($0.count))" }.joined(separator: ", ")
            table.add([verb.verb, NumberText.grouped(verb.count), NumberText.percent(verb.count, of: v.withVerb), objects.isEmpty ? "-" : objects])
        }
        return "verbs: found in \(NumberText.grouped(v.withVerb)) of \(NumberText.grouped(v.analysed)) English instructions; "
            + "\(NumberText.grouped(v.distinctVerbs)) distinct verbs, \(NumberText.grouped(v.distinctPairs)) verb-object pairs\n"
            + table.render()
    }

    private static func flags(_ s: DatasetStatistics) -> String {
        guard !s.flags.codes.isEmpty else { return "flags: none" }
        var groups = TextTable(["flag group", "records"])
        for group in s.flags.groups { groups.add([group.label, NumberText.grouped(group.count)]) }
        var codes = TextTable(["flag code", "records", "example"], leftAligned: [0, 2])
        for code in s.flags.codes {
            codes.add([code.code, NumberText.grouped(code.records), "\(code.exampleRecord): \(shortened(code.exampleReason, 90))"])
        }
        return groups.render() + "\n\n" + codes.render()
    }

    private static func duplicates(_ d: DuplicateSummary) -> String {
        var line = "duplicates: \(NumberText.grouped(d.records)) records flagged duplicate"
        if !d.byCode.isEmpty { line += " (" + d.byCode.map { "\($0.label) \(NumberText.grouped($0.count))" }.joined(separator: ", ") + ")" }
        if d.images > 0 {
            line += "; \(NumberText.grouped(d.nearDuplicateImages)) of \(NumberText.grouped(d.images)) ingested images are near-duplicates"
        }
        return TextTable.terminalSafe(line)
    }

    private static func cost(_ cost: RunCost?) -> String {
        guard let cost else { return "cost: no model calls" }
        var line = "cost: \(NumberText.dollars(cost.total)) for \(NumberText.grouped(cost.tokens)) tokens"
        if let perImage = cost.perImage { line += ", \(NumberText.dollars(perImage)) per image" }
        if let perRecord = cost.perRecord {
            line += ", \(NumberText.dollars(perRecord)) per model-written record (\(NumberText.grouped(cost.records)))"
        }
        if cost.fromRecordProvenance { line += " (a mix: what its records' model calls cost in the runs that made them)" }
        if let review = cost.review { line += "\n" + Report.manualCorrection(review, cost: cost) }
        return line
    }

    private static func shortened(_ text: String, _ limit: Int) -> String {
        let flat = TextTable.terminalSafe(text)
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "\u{2026}"
    }
}
