import Foundation
import LoomCore

/// Writes the Hugging Face dataset card (`README.md`) of an `hf` export from its template
/// (`Resources/dataset-card.md`) and the counts of what was written.
enum DatasetCardWriter {
    struct Facts {
        var name: String
        var license: String
        var splits: [String]
        var tally: DatasetTally
        var images: Int
        var leftOutForFlags: Int
        var budget: BudgetCounts
        var timestamp: String
    }

    static func write(_ facts: Facts, to folder: URL) throws {
        guard let url = Bundle.module.url(forResource: "dataset-card", withExtension: "md", subdirectory: "Resources"),
            let template = try? String(contentsOf: url, encoding: .utf8)
        else { throw LoomError(.export, "the dataset card template is missing from the installation") }
        let tally = facts.tally
        let languages = tally.languages.keys.sorted().map { "- \($0)" }
        let dataFiles = facts.splits.map { "  - split: \($0)\n    path: data/\($0).jsonl" }
        let values: [String: String] = [
            "license": facts.license,
            "name": facts.name,
            "languages": (languages.isEmpty ? ["- en"] : languages).joined(separator: "\n"),
            "size_category": sizeCategory(tally.total),
            "data_files": dataFiles.joined(separator: "\n"),
            "summary": summary(facts),
            "contents": contents(tally),
            "producer": ExportOptions.producer,
            "time": facts.timestamp,
            "provenance": provenance(facts),
        ]
        var card = template
        for (key, value) in values { card = card.replacingOccurrences(of: "{{\(key)}}", with: value) }
        let file = try ExportFile(url: folder.appendingPathComponent("README.md"))
        try file.write(card)
        try file.finish()
    }

    /// The Hub's size buckets.
    static func sizeCategory(_ count: Int) -> String {
        switch count {
        case ..<1_000: "n<1K"
        case ..<10_000: "1K<n<10K"
        case ..<100_000: "10K<n<100K"
        case ..<1_000_000: "100K<n<1M"
        case ..<10_000_000: "1M<n<10M"
        case ..<100_000_000: "10M<n<100M"
        case ..<1_000_000_000: "100M<n<1B"
        case ..<10_000_000_000: "1B<n<10B"
        case ..<100_000_000_000: "10B<n<100B"
        case ..<1_000_000_000_000: "100B<n<1T"
        default: "n>1T"
        }
    }

    private static func summary(_ facts: Facts) -> String {
        let tally = facts.tally
        var sentences = [
            "\(facts.name) is a visual instruction-tuning dataset of \(tally.total) \(tally.total == 1 ? "record" : "records") "
                + "over \(facts.images) \(facts.images == 1 ? "image" : "images"), built with Loom."
        ]
        if tally.total > 0 {
            let types = shares(tally.types, of: tally.total).prefix(6).map { "\(typeName($0.key)) \($0.share)" }
            sentences.append("By question type: \(types.joined(separator: ", ")).")
            let domains = tally.domains.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(8).map(\.key)
            sentences.append(
                "It covers \(tally.domains.count) \(tally.domains.count == 1 ? "domain" : "domains")"
                    + (domains.isEmpty ? "." : ", most of all \(domains.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ")).")
            )
            if tally.multiImage > 0 {
                let skills = shares(tally.skills, of: max(1, tally.multiImage)).map { "\($0.key) \($0.share)" }
                sentences.append(
                    "\(tally.multiImage) records interleave several images"
                        + (skills.isEmpty ? "." : " (Mantis skills: \(skills.joined(separator: ", "))).")
                )
            }
            let averageTurns = Double(tally.turns) / Double(tally.total)
            sentences.append(String(format: "A record has %.1f turns on average.", averageTurns))
        }
        return sentences.joined(separator: " ")
    }

    private static func contents(_ tally: DatasetTally) -> String {
        var lines = ["| Split | Records |", "|---|---:|"]
        for (split, count) in tally.splits.sorted(by: { $0.key < $1.key }) { lines.append("| \(split) | \(count) |") }
        for (title, counts) in [("Question type", tally.types), ("Domain", tally.domains), ("Language", tally.languages)] {
            lines += ["", "| \(title) | Records |", "|---|---:|"]
            for (key, count) in counts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                lines.append("| \(key) | \(count) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func provenance(_ facts: Facts) -> String {
        var sentences: [String] = []
        if facts.splits.count > 1 {
            sentences.append(
                "The splits never share an image: records over the same image, or over images found to be near-duplicates, are in the same split."
            )
        }
        if facts.leftOutForFlags > 0 {
            sentences.append("\(facts.leftOutForFlags) records with quality flags were left out.")
        }
        if facts.budget.split > 0 || facts.budget.dropped > 0 {
            sentences.append(
                "\(facts.budget.split) records over the token budget were split between turns and \(facts.budget.dropped) dropped.")
        }
        return sentences.joined(separator: " ")
    }

    private static func shares(_ counts: [String: Int], of total: Int) -> [(key: String, share: String)] {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { entry in
            (entry.key, String(format: "%.0f%%", 100 * Double(entry.value) / Double(total)))
        }
    }

    private static func typeName(_ type: String) -> String {
        QuestionType(rawValue: type).map {
            switch $0 {
            case .judgement: "judgement"
            case .multipleChoice: "multiple choice"
            case .shortVQA: "short answer"
            case .longVQA: "long answer"
            case .multiRound: "multi-round conversation"
            case .caption: "caption"
            }
        } ?? type
    }
}
