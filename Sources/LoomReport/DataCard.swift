import Foundation
import LoomCore

/// The data card: one self-contained HTML page describing a run's dataset (inline CSS, SVG charts drawn here,
/// sample images embedded as small JPEG data URLs; nothing is loaded from anywhere), written with the
/// statistics as JSON beside it.
///
/// Every piece of text that comes from the dataset — record text, labels, flag reasons, paths — is escaped with
/// `HTMLText.escape`, and the page's content security policy forbids scripts besides.
public struct DataCard: Sendable {
    public var statistics: DatasetStatistics
    /// The run directory, for reading sample images.
    public var runDirectory: URL
    /// The JSON file's name as the page mentions it.
    public var jsonName = "stats.json"
    /// At most this many images are shown per sample record.
    public static let imagesPerSample = 4

    public init(statistics: DatasetStatistics, runDirectory: URL) {
        self.statistics = statistics
        self.runDirectory = runDirectory
    }

    /// Where `loom card` writes by default: `card/index.html` and `card/stats.json` in the run directory.
    public static func defaultLocation(runDirectory: URL) -> (html: URL, json: URL) {
        let folder = runDirectory.appendingPathComponent("card")
        return (folder.appendingPathComponent("index.html"), folder.appendingPathComponent("stats.json"))
    }

    /// Writes the page and the statistics JSON (each through a temporary file moved into place), making folders.
    public func write(html: URL, json: URL) throws {
        var card = self
        card.jsonName = json.deletingLastPathComponent().path == html.deletingLastPathComponent().path
            ? json.lastPathComponent : json.path
        let page = try card.html()
        for (url, data) in [(json, try statistics.jsonData()), (html, Data(page.utf8))] {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url, options: .atomic)
            } catch {
                throw LoomError(.io, "cannot write the data card: \(error.localizedDescription)", subject: url.path)
            }
        }
    }

    /// The page.
    public func html() throws -> String {
        let s = statistics
        let title = s.name ?? runDirectory.lastPathComponent
        let values: [String: String] = [
            "title": HTMLText.escape(title),
            "lede": lede(),
            "tiles": tiles(),
            "composition": composition(),
            "lengths": lengths(),
            "length_table": lengthTable(),
            "verb_note": verbNote(),
            "sunburst": "<figure class=\"panel\">" + Sunburst(diversity: s.verbs).svg()
                + "<figcaption>Inner ring: the \(s.verbs.verbs.count) most common root verbs. Outer ring: each verb's "
                + "\(DatasetStatistics.topObjectsPerVerb) most common objects; grey is the rest (other objects, or "
                + "none). Hover for counts.</figcaption></figure>",
            "verb_table": verbTable(),
            "flags": flags(),
            "duplicates": duplicates(),
            "rejections": rejections(),
            "cost": cost(),
            "samples_note": samplesNote(),
            "samples": samples(),
            "footer": "Written by <code>loom card</code> from the run in <code>\(HTMLText.escape(runDirectory.path))</code>. "
                + "Every number on this page is in <code>\(HTMLText.escape(jsonName))</code> beside it.",
        ]
        return try CardTemplate.bundled().fill(values)
    }

    // MARK: Sections

    private func lede() -> String {
        let s = statistics
        var text = "\(NumberText.grouped(s.records)) instruction records in \(s.domains.count) domain\(s.domains.count == 1 ? "" : "s"), "
            + "\(s.types.count) question type\(s.types.count == 1 ? "" : "s") and \(s.languages.count) language\(s.languages.count == 1 ? "" : "s"); "
            + "\(NumberText.grouped(s.kept)) pass every check and are exported."
        if s.duplicates.images > 0 {
            text += " Built from \(NumberText.grouped(s.duplicates.images)) ingested images."
        }
        return HTMLText.escape(text)
    }

    private func tiles() -> String {
        let s = statistics
        var tiles: [(String, String, String)] = [
            (NumberText.grouped(s.records), "records", ""),
            (NumberText.grouped(s.kept), "kept for export", "good"),
            (NumberText.grouped(s.flagged), "flagged (\(NumberText.percent(s.flagged, of: s.records)))", s.flagged > 0 ? "bad" : ""),
            (NumberText.grouped(s.domains.count), "domains", ""),
            (NumberText.grouped(s.types.count), "question types", ""),
            (NumberText.grouped(s.verbs.distinctVerbs), "distinct root verbs", ""),
        ]
        if s.duplicates.images > 0 {
            tiles.append((NumberText.grouped(s.duplicates.images), "ingested images", ""))
        }
        if let cost = s.cost {
            tiles.append((NumberText.dollars(cost.total), "paid for model calls", ""))
        }
        return tiles.map { number, what, style in
            "<div class=\"tile \(style)\"><div class=\"number\">\(HTMLText.escape(number))</div><div class=\"what\">\(HTMLText.escape(what))</div></div>"
        }.joined()
    }

    private func composition() -> String {
        let s = statistics
        let withSkill = s.skills.filter { $0.label != "none" }
        let withoutSkill = s.skills.first { $0.label == "none" }?.count ?? 0
        let media = s.mediaCounts.map { LabelCount(label: "\($0.label) image\($0.label == "1" ? "" : "s")", count: $0.count) }
        return [
            panel("By domain", BarChart(items: s.domains, caption: "Records by domain").svg()),
            panel("By question type", BarChart(items: s.types, caption: "Records by question type", colourOffset: 3).svg()),
            panel(
                "By Mantis skill", BarChart(items: withSkill, caption: "Multi-image records by skill", colourOffset: 6).svg(),
                caption: "\(NumberText.grouped(withoutSkill)) records have no skill (single-image records and captions)."),
            panel("By language", BarChart(items: s.languages, caption: "Records by language", colourOffset: 9).svg()),
            panel("By sample kind", BarChart(items: s.sampleKinds, caption: "Records by sample kind", colourOffset: 1).svg()),
            panel("By number of images", BarChart(items: media, caption: "Records by number of images", colourOffset: 4).svg()),
        ].joined()
    }

    private func lengths() -> String {
        let s = statistics
        func caption(_ histogram: LengthHistogram) -> String {
            guard let mean = histogram.mean, let low = histogram.minimum, let high = histogram.maximum else { return "No records." }
            return String(format: "Mean %.1f words; shortest %d, longest %d.", mean, low, high)
        }
        return panel(
            "Instruction length", HistogramChart(histogram: s.instructionWords, caption: "Instruction length in words", colour: ChartPalette.colour(0)).svg(),
            caption: caption(s.instructionWords))
            + panel(
                "Answer length", HistogramChart(histogram: s.answerWords, caption: "Answer length in words", colour: ChartPalette.colour(1)).svg(),
                caption: caption(s.answerWords))
    }

    private func lengthTable() -> String {
        let s = statistics
        guard !s.types.isEmpty else { return "" }
        var rows = ""
        for type in s.types {
            let instruction = s.instructionWordsByType[type.label]
            let answer = s.answerWordsByType[type.label]
            func mean(_ histogram: LengthHistogram?) -> String { histogram?.mean.map { String(format: "%.1f", $0) } ?? "\u{2013}" }
            func range(_ histogram: LengthHistogram?) -> String {
                guard let low = histogram?.minimum, let high = histogram?.maximum else { return "\u{2013}" }
                return "\(low)\u{2013}\(high)"
            }
            rows += "<tr><td>\(HTMLText.escape(type.label))</td><td class=\"num\">\(NumberText.grouped(type.count))</td>"
                + "<td class=\"num\">\(mean(instruction))</td><td class=\"num\">\(range(instruction))</td>"
                + "<td class=\"num\">\(mean(answer))</td><td class=\"num\">\(range(answer))</td></tr>"
        }
        return "<h3 style=\"margin-top:18px\">By question type</h3><div class=\"wrap\"><table class=\"data\"><thead><tr><th>type</th>"
            + "<th class=\"num\">records</th><th class=\"num\">instruction mean</th><th class=\"num\">instruction range</th>"
            + "<th class=\"num\">answer mean</th><th class=\"num\">answer range</th></tr></thead><tbody>\(rows)</tbody></table></div>"
    }

    private func verbNote() -> String {
        let v = statistics.verbs
        return HTMLText.escape(
            "A root verb was found in \(NumberText.grouped(v.withVerb)) of \(NumberText.grouped(v.analysed)) English instructions "
                + "(\(NumberText.percent(v.withVerb, of: v.analysed))): \(NumberText.grouped(v.distinctVerbs)) distinct verbs and "
                + "\(NumberText.grouped(v.distinctPairs)) distinct verb\u{2013}object pairs. The verb and the head noun of its object come "
                + "from word lists and a few rules, not a parser: \"what color is the star\" counts under \"be\" with the object "
                + "\"color\", \"which shape does the star have\" under \"have\" with \"shape\".")
    }

    private func verbTable() -> String {
        let v = statistics.verbs
        guard !v.verbs.isEmpty else { return "<p class=\"none\">No verbs were found.</p>" }
        var rows = ""
        for (index, verb) in v.verbs.enumerated() {
            let objects = verb.objects.map {
                "<span>\(HTMLText.escape($0.label)) <span class=\"n\">\(NumberText.grouped($0.count))</span></span>"
            }.joined()
            rows += "<tr><td class=\"verb\"><span class=\"swatch\" style=\"background:\(ChartPalette.colour(index))\"></span>\(HTMLText.escape(verb.verb))</td>"
                + "<td class=\"num\">\(NumberText.grouped(verb.count))</td><td class=\"num\">\(NumberText.percent(verb.count, of: v.withVerb))</td>"
                + "<td class=\"objects\">\(objects.isEmpty ? "<span class=\"none\">no noun object</span>" : objects)</td></tr>"
        }
        return "<div class=\"wrap\"><table class=\"data\"><thead><tr><th>verb</th><th class=\"num\">instructions</th>"
            + "<th class=\"num\">share</th><th>top objects</th></tr></thead><tbody>\(rows)</tbody></table></div>"
    }

    private func flags() -> String {
        let f = statistics.flags
        guard !f.codes.isEmpty else {
            return "<p class=\"none\">No record carries a quality flag: all \(NumberText.grouped(statistics.records)) are exported.</p>"
        }
        var rows = ""
        for code in f.codes {
            rows += "<tr><td><code>\(HTMLText.escape(code.code))</code></td><td class=\"num\">\(NumberText.grouped(code.records))</td>"
                + "<td>\(HTMLText.escape(code.exampleReason))</td><td><code>\(HTMLText.escape(code.exampleRecord))</code></td></tr>"
        }
        return "<div class=\"grid\">"
            + panel("Flagged records by group", BarChart(items: f.groups, caption: "Flagged records by code group", colourOffset: 3).svg(),
                    caption: "\(NumberText.grouped(statistics.flagged)) flagged records in all.")
            + "</div><h3 style=\"margin-top:18px\">By code, with one example each</h3><div class=\"wrap\"><table class=\"data\"><thead><tr><th>code</th>"
            + "<th class=\"num\">records</th><th>example reason</th><th>example record</th></tr></thead><tbody>\(rows)</tbody></table></div>"
    }

    private func duplicates() -> String {
        let d = statistics.duplicates
        var parts = "<div class=\"tiles\" style=\"margin-top:8px\">"
        parts += "<div class=\"tile\"><div class=\"number\">\(NumberText.grouped(d.records))</div><div class=\"what\">duplicate records flagged</div></div>"
        let imagesWhat = d.images > 0
            ? "near-duplicate images of \(NumberText.grouped(d.images)) ingested" : "near-duplicate images (none were ingested)"
        parts += "<div class=\"tile\"><div class=\"number\">\(NumberText.grouped(d.nearDuplicateImages))</div><div class=\"what\">\(imagesWhat)</div></div>"
        parts += "</div>"
        if !d.byCode.isEmpty {
            parts += "<p class=\"note\">By code: " + d.byCode.map { "<code>\(HTMLText.escape($0.label))</code> \(NumberText.grouped($0.count))" }
                .joined(separator: ", ") + ".</p>"
        }
        if !d.examples.isEmpty {
            let rows = d.examples.map {
                "<tr><td><code>\(HTMLText.escape($0.path))</code></td><td><code>\(HTMLText.escape($0.duplicateOf))</code></td></tr>"
            }.joined()
            parts += "<h3 style=\"margin-top:14px\">First near-duplicate images</h3><div class=\"wrap\"><table class=\"data\"><thead><tr>"
                + "<th>image</th><th>repeats</th></tr></thead><tbody>\(rows)</tbody></table></div>"
        }
        if d.records == 0 && d.nearDuplicateImages == 0 {
            parts += "<p class=\"note\">Nothing was removed as a duplicate.</p>"
        }
        return parts
    }

    private func rejections() -> String {
        let r = statistics.rejections
        guard !r.isEmpty else { return "<p class=\"none\">Nothing was rejected.</p>" }
        let rows = r.map {
            "<tr><td>\(HTMLText.escape($0.category))</td><td class=\"num\">\(NumberText.grouped($0.count))</td>"
                + "<td><code>\(HTMLText.escape($0.exampleSubject))</code></td><td>\(HTMLText.escape($0.exampleReason))</td></tr>"
        }.joined()
        return "<div class=\"wrap\"><table class=\"data\"><thead><tr><th>category</th><th class=\"num\">count</th><th>example</th>"
            + "<th>reason</th></tr></thead><tbody>\(rows)</tbody></table></div>"
    }

    private func cost() -> String {
        guard let c = statistics.cost else {
            return "<p class=\"none\">No model calls were made: every record was written from templates, annotations or "
                + "datasets, at no model cost.</p>"
        }
        var rows: [(String, String)] = [
            (c.fromRecordProvenance ? "model calls behind the mixed records (paid in their runs)" : "paid for model calls", NumberText.dollars(c.total)),
            ("tokens (prompt and completion)", NumberText.grouped(c.tokens)),
            ("per distinct ingested image", c.perImage.map(NumberText.dollars) ?? "\u{2013}"),
            ("per model-written record", c.perRecord.map(NumberText.dollars) ?? "\u{2013}"),
            ("model-written records", NumberText.grouped(c.records)),
        ]
        if let review = c.review {
            // MMInstruct counts its manual correction with the rest: verdicts, the hours they took, their price.
            rows.append(("manual correction: verdicts", NumberText.grouped(review.verdicts)))
            rows.append(("manual correction: reviewers", NumberText.grouped(review.reviewers)))
            rows.append(("manual correction: hours (estimated)", String(format: "%.1f", review.hours)))
            rows.append(("manual correction: cost", c.reviewCost.map(NumberText.dollars) ?? "\u{2013} (no hourly rate given)"))
            rows.append(("models and manual correction", NumberText.dollars(c.totalWithReview)))
        }
        return "<div class=\"wrap\" style=\"max-width:560px\"><table class=\"data\"><tbody>"
            + rows.map { "<tr><td>\(HTMLText.escape($0.0))</td><td class=\"num\">\(HTMLText.escape($0.1))</td></tr>" }.joined()
            + "</tbody></table></div>"
    }

    private func samplesNote() -> String {
        let count = statistics.samples.count
        guard count > 0 else { return "No record passed every check, so none is shown." }
        return "\(count) of the \(NumberText.grouped(statistics.kept)) exported records, evenly spaced in id order (the same "
            + "ones every time), with up to \(Self.imagesPerSample) of their images."
    }

    private func samples() -> String {
        statistics.samples.map { sample in
            var html = "<article class=\"sample\"><div class=\"thumbs\">"
            for path in sample.images.prefix(Self.imagesPerSample) {
                if let url = CardThumbnails.dataURL(forMediaAt: path, in: runDirectory) {
                    html += "<img src=\"\(url)\" alt=\"\(HTMLText.escape(path))\">"
                } else {
                    html += "<span class=\"more\">\(HTMLText.escape(path)) (unreadable)</span>"
                }
            }
            if sample.images.count > Self.imagesPerSample {
                html += "<span class=\"more\">+\(sample.images.count - Self.imagesPerSample) more</span>"
            }
            html += "</div><div class=\"chips\"><span class=\"chip\">\(HTMLText.escape(sample.type))</span>"
            if sample.domain != sample.type { html += "<span class=\"chip\">\(HTMLText.escape(sample.domain))</span>" }
            if let skill = sample.skill { html += "<span class=\"chip\">\(HTMLText.escape(skill))</span>" }
            if let kind = sample.sampleKind { html += "<span class=\"chip kind\">\(HTMLText.escape(kind))</span>" }
            html += "</div><p class=\"turn\"><b>User</b>\(HTMLText.escape(sample.instruction))</p>"
                + "<p class=\"turn\"><b>Answer</b>\(HTMLText.escape(sample.answer))</p>"
            if sample.turns > 2 { html += "<p class=\"id\">\(sample.turns / 2) exchanges; the first is shown.</p>" }
            return html + "<p class=\"id\">\(HTMLText.escape(sample.id))</p></article>"
        }.joined()
    }

    /// A chart in a panel with a heading and an optional caption (escaped here).
    private func panel(_ title: String, _ svg: String, caption: String? = nil) -> String {
        "<figure class=\"panel\"><h3>\(HTMLText.escape(title))</h3>\(svg)"
            + (caption.map { "<figcaption>\(HTMLText.escape($0))</figcaption>" } ?? "") + "</figure>"
    }
}
