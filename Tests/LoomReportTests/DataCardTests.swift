import Foundation
import LoomStore
import Testing

@testable import LoomReport

@Suite("Data card")
struct DataCardTests {
    @Test("HTML escaping replaces markup characters and drops control characters")
    func escaping() {
        #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("line\nnext\u{1B}[31m\u{0}") == "line\nnext[31m")
        #expect(HTMLText.escape("plain – text") == "plain – text")
    }

    @Test("hostile text from records, labels and reasons never reaches the page as markup")
    func hostileTextIsEscaped() throws {
        var s = DatasetStatistics()
        let script = "<script>alert(1)</script>"
        s.name = "run " + script
        s.records = 2
        s.kept = 1
        s.flagged = 1
        s.domains = [LabelCount(label: "<svg onload=alert(1)>", count: 2)]
        s.types = [LabelCount(label: "short_vqa", count: 2)]
        s.languages = [LabelCount(label: "en\"><script>", count: 2)]
        s.flags.codes = [FlagSummary.Code(code: "x.<b>", records: 1, exampleRecord: "rec-<i>", exampleReason: script)]
        s.flags.groups = [LabelCount(label: "x", count: 1)]
        s.rejections = [RunStore.RejectionCount(category: "bad", count: 1, exampleSubject: "<img src=x>", exampleReason: script)]
        s.verbs.verbs = [VerbDiversity.Verb(verb: "<em>", count: 2, objects: [LabelCount(label: "</svg><script>", count: 1)], otherObjects: 0, withoutObject: 1)]
        s.verbs.withVerb = 2
        s.samples = [SampleRecord(
            id: "rec-1", type: "short_vqa", domain: "d", skill: nil, sampleKind: "single", language: "en", images: ["missing/<x>.png"],
            instruction: ReportFixture.hostileInstruction, answer: ReportFixture.hostileAnswer, turns: 2)]
        let html = try DataCard(statistics: s, runDirectory: URL(fileURLWithPath: "/nonexistent")).html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<svg onload"))
        #expect(!html.contains("<em>") && !html.contains("<b>image</b>") && !html.contains("rec-<i>") && !html.contains("x.<b>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;card&#39;)&lt;/script&gt;"))
        #expect(html.contains("&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;"))
        // A placeholder written in record text stays text: values are never filled again.
        #expect(html.contains("&amp; {{title}}."))
        #expect(html.contains("Content-Security-Policy"))
    }

    @Test("the template's placeholders are exactly what the card fills")
    func templatePlaceholders() throws {
        let template = try CardTemplate.bundled()
        #expect(Set(template.placeholders) == [
            "title", "lede", "tiles", "composition", "lengths", "length_table", "verb_note", "sunburst", "verb_table",
            "flags", "duplicates", "rejections", "cost", "samples_note", "samples", "footer",
        ])
        #expect(throws: (any Error).self) { try CardTemplate(text: "a {{b}} c").fill([:]) }
        #expect(try CardTemplate(text: "a {{ b }} {{c").fill(["b": "{{b}}"]) == "a {{b}} {{c")
    }

    @Test("the card is written as HTML that loads nothing from outside, with the statistics as JSON")
    func writesHTMLAndJSON() async throws {
        let fixture = try await ReportFixture.shared.value
        let statistics = try DatasetStatistics.read(from: fixture.store, name: "report-fixture")
        let location = DataCard.defaultLocation(runDirectory: fixture.runDirectory)
        #expect(location.html.path.hasSuffix("run/card/index.html") && location.json.path.hasSuffix("run/card/stats.json"))
        try DataCard(statistics: statistics, runDirectory: fixture.runDirectory).write(html: location.html, json: location.json)
        let json = try JSONDecoder().decode(DatasetStatistics.self, from: Data(contentsOf: location.json))
        #expect(json == statistics)
        let html = try String(contentsOf: location.html, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 10)
        #expect(html.contains("class=\"chart sunburst\""))
        #expect(html.components(separatedBy: "src=\"data:image/jpeg;base64,").count - 1 >= DatasetStatistics.sampleCount)
        #expect(!html.contains("src=\"http") && !html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(!html.contains("<script"))
        #expect(html.contains("stats.json"))
        #expect(html.utf8.count < 1_500_000)
    }
}
