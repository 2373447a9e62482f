import Foundation
import LoomEngine
import LoomExport
import LoomStore

/// The text the commands print.
enum Report {
    static func summary(_ summary: RunSummary) -> String {
        // Scene and annotated-image samples are planned; a run of videos alone plans none (its line below counts them).
        let samples = summary.plannedSamples > 0 ? "\(summary.plannedSamples) samples (\(summary.samplesMadeNow) made now), " : ""
        var lines = [
            "Run finished in \(String(format: "%.1f", summary.seconds)) s: \(samples)\(summary.records) records.",
        ]
        if let quality = summary.quality {
            lines.append(Report.quality(quality, records: summary.records, flagged: summary.flaggedRecords))
        }
        if let inContext = summary.inContext {
            lines.append(Report.inContext(inContext))
        } else {
            lines.append("Flagged: \(summary.flaggedRecords) record(s) (left out of the exports).")
        }
        if let ingest = summary.ingest {
            lines.insert(
                "Ingest: \(ingest.files) files -> \(ingest.images) images (\(ingest.nearDuplicates) near-duplicates marked).",
                at: 0)
            let problems = ingest.problems.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            if !problems.isEmpty {
                lines.insert("Input problems (see `loom status`): " + problems.map { "\($0.value) \($0.key)" }.joined(separator: ", "), at: 1)
            }
        }
        if let videos = summary.videos {
            lines.insert("Videos: \(videos.files) files found; \(videos.videos) video samples in the run.", at: 0)
            let problems = videos.problems.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            if !problems.isEmpty {
                lines.insert("Video problems (see `loom status`): " + problems.map { "\($0.value) \($0.key)" }.joined(separator: ", "), at: 1)
            }
        }
        if let models = summary.models {
            for (stage, counts) in models.stages.sorted(by: { $0.key < $1.key }) {
                let spend = models.spend.first { $0.stage == stage }
                lines.append(
                    "Model stage \(stage): \(counts.done) done, \(counts.failed) failed"
                        + (spend.map { String(format: "; %d calls, %d tokens, $%.4f", $0.calls, $0.promptTokens + $0.completionTokens, $0.cost) } ?? ""))
            }
            if models.spend.count > 1 {
                let calls = models.spend.reduce(0) { $0 + $1.calls }
                let tokens = models.spend.reduce(0) { $0 + $1.promptTokens + $1.completionTokens }
                let cost = models.spend.reduce(0) { $0 + $1.cost }
                lines.append(String(format: "Model calls in all: %d calls, %d tokens, $%.4f", calls, tokens, cost))
            }
        }
        if let convert = summary.convert {
            lines.insert(
                "Datasets: \(convert.rows) rows converted (\(convert.madeNow) now), \(convert.rejected) not usable (see `loom status`).",
                at: summary.ingest == nil ? 0 : 1)
        }
        let sampleFailures = summary.failures.filter { $0.stage != "ingest" && $0.stage != "video" }
        if !sampleFailures.isEmpty {
            lines.append("\(sampleFailures.count) item(s) failed (see `loom status`):")
            lines += sampleFailures.prefix(5).map { "  \($0.stage) \($0.item): \($0.error)" }
        }
        for export in summary.exports { lines.append(Report.export(export)) }
        lines.append("Dataset: \(summary.runDirectory)")
        lines.append("Content hash: \(summary.contentHash)")
        return lines.joined(separator: "\n")
    }

    /// "Quality: 5210 kept of 5400; 66 disagree with the ground truth, 12 format, 3 duplicates, …".
    static func inContext(_ summary: InContextSummary) -> String {
        var line = "In-context examples (\(summary.strategy)): \(summary.queries) queries, \(summary.linkedQueries) of them with examples; \(summary.examples) records serve as examples."
        if summary.unhashedMedia > 0 { line += " \(summary.unhashedMedia) images could not be read; their records have no examples." }
        if !summary.ranNow { line += " (unchanged since the last run)" }
        return line
    }

    static func quality(_ quality: QualitySummary, records: Int, flagged: Int) -> String {
        var groups: [String: Int] = [:]
        for (code, count) in quality.flags {
            let group = code.split(separator: ".").first.map(String.init) ?? code
            groups[group, default: 0] += count
        }
        // What a flag group's records do, said of several and of one.
        let names = ["check": ("disagree with the ground truth", "disagrees with the ground truth"),
                     "judge_unsupported": ("unsupported by the judge", "unsupported by the judge"),
                     "format": ("fail a format check", "fails a format check"), "text": ("hold unsafe text", "holds unsafe text"),
                     "grounding": ("are not grounded", "is not grounded"), "duplicate": ("are duplicates", "is a duplicate"),
                     "balance": ("are over a quota or parity", "is over a quota or parity")]
        let parts = groups.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { group in
            let name = names[group.key].map { group.value == 1 ? $0.1 : $0.0 } ?? group.key
            return "\(group.value) \(name)"
        }
        var line = "Quality: \(records - flagged) of \(records) records kept" + (parts.isEmpty ? "." : "; " + parts.joined(separator: ", ") + ".")
        if quality.relettered > 0 { line += " \(quality.relettered) multiple-choice records re-lettered for even answer letters." }
        if !quality.shortfalls.isEmpty { line += "\nQuotas not filled: " + quality.shortfalls.joined(separator: "; ") }
        if !quality.ranNow { line += " (unchanged since the last run)" }
        return line
    }

    static func export(_ summary: ExportSummary) -> String {
        var line = "\(summary.format.rawValue): \(summary.records) records, \(summary.images) images"
            + (summary.videos > 0 ? ", \(summary.videos) videos" : "") + " -> \(summary.folder)"
        if summary.splits.count > 1 {
            line += " (" + summary.splits.map { "\($0.name) \($0.records)" }.joined(separator: ", ") + ")"
        }
        var notes: [String] = []
        if summary.inlinedQueries > 0 { notes.append("\(summary.inlinedQueries) with in-context examples inlined") }
        if summary.skippedFlagged > 0 { notes.append("\(summary.skippedFlagged) flagged left out") }
        let budget = summary.budget
        if budget.split > 0 { notes.append("\(budget.split) over the token budget split into \(budget.parts) parts") }
        if budget.dropped > 0 { notes.append("\(budget.dropped) over the token budget dropped") }
        if budget.droppedExchanges > 0 { notes.append("\(budget.droppedExchanges) exchanges too long even alone dropped") }
        if summary.skippedForMedia > 0 { notes.append("\(summary.skippedForMedia) left out for unreadable images") }
        var lines = [line + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))]
        lines += summary.problems.map { "  \($0)" }
        lines += summary.warnings.map { "  warning: \($0)" }
        return lines.joined(separator: "\n")
    }

    static func status(_ status: RunStatus) -> String {
        var lines = ["Run: \(status.runDirectory)" + (status.recipe.map { " (recipe '\($0)')" } ?? "")]
        if let process = status.workingProcess {
            let who = process > 0 ? " (process \(process))" : ""
            lines.append("A run is working here now\(who): the counts below are still moving.")
        }
        lines.append("stage         done  failed  pending")
        for line in status.stages {
            let name = line.stage.padding(toLength: 12, withPad: " ", startingAt: 0)
            if line.started == false {
                // Its items are planned from what the stages before it make: no count to give yet.
                lines.append(name + "     -       -  not started")
            } else {
                lines.append(name + String(format: "%6d  %6d  %7d", line.done, line.failed, line.pending))
            }
        }
        if !status.spend.isEmpty {
            lines.append("model calls   calls  items   prompt tok  completion tok        cost")
            for spend in status.spend {
                lines.append(
                    spend.stage.padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%7d  %5d  %11d  %14d  $%10.4f", spend.calls, spend.items, spend.promptTokens, spend.completionTokens, spend.cost))
            }
        }
        if let cost = status.cost {
            if cost.tokens > 0 || cost.total > 0 {
                var line = String(format: "cost: $%.4f for %d tokens", cost.total, cost.tokens)
                if let perImage = cost.perImage { line += String(format: ", $%.5f per image", perImage) }
                if let perRecord = cost.perRecord { line += String(format: ", $%.5f per model-written record (%d)", perRecord, cost.records) }
                if cost.fromRecordProvenance { line += " (a mix: what its records' model calls cost in the runs that made them)" }
                lines.append(line)
            }
            if let review = cost.review { lines.append(Self.manualCorrection(review, cost: cost)) }
        }
        if let limit = status.costLimit {
            let paid = status.spend.reduce(0) { $0 + $1.cost }
            lines.append(String(format: "cost limit: $%.4f, $%.4f used (%.0f%%)", limit, paid, 100 * paid / limit))
        }
        lines.append("records: \(status.records) (\(status.flaggedRecords) flagged)")
        if let images = status.images {
            lines.append("images: \(images.images) from \(images.files) files, \(images.nearDuplicates) near-duplicates")
        }
        for group in status.inputProblems {
            lines.append("\(group.category): \(group.count)")
            lines += group.examples.map { "  \($0.subject): \($0.reason)" }
            if group.count > group.examples.count { lines.append("  … and \(group.count - group.examples.count) more (loom status --all-problems)") }
        }
        let failures = status.failures.filter { $0.stage != "ingest" }
        for failure in failures.prefix(10) {
            lines.append("failed \(failure.stage) \(failure.item) after \(failure.attempts) attempt(s): \(failure.error)")
        }
        if failures.count > 10 { lines.append("… and \(failures.count - 10) more failed items (loom status --json lists every one)") }
        return lines.joined(separator: "\n")
    }

    /// "manual correction: 812 verdicts by 3 reviewers, about 6.4 h, $96.00 at $15.00/h; in all $131.20".
    static func manualCorrection(_ review: ReviewEffort, cost: RunCost) -> String {
        var line = String(
            format: "manual correction: %d verdicts by %d reviewer(s), about %.1f h", review.verdicts, review.reviewers, review.hours)
        if let dollars = cost.reviewCost, let rate = cost.reviewHourlyRate {
            line += String(format: ", $%.2f at $%.2f/h; with the model calls $%.2f in all", dollars, rate, cost.totalWithReview)
        } else {
            line += " (give review.hourly_rate in the recipe, or `loom review serve --hourly-rate`, to count it in dollars)"
        }
        return line
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
