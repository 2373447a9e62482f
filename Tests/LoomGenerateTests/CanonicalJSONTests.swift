import Foundation
import LoomCore
import Testing

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    @Test("every generated record and sample reads back through JSONDecoder as an equal value")
    func roundTrip() throws {
        let decoder = JSONDecoder()
        for (sample, records) in GeneratedSamples.all {
            #expect(try decoder.decode(Sample.self, from: Data(sample.canonicalJSON.utf8)) == sample)
            for record in records {
                #expect(try decoder.decode(Record.self, from: Data(record.canonicalJSON.utf8)) == record)
            }
        }
    }

    @Test("flags, options and awkward text survive the round trip")
    func awkwardText() throws {
        var (_, records) = GeneratedSamples.all[0]
        var record = records[0]
        record.turns[1].text = "quote \" backslash \\ newline \n tab \t control \u{01} unicode 日本 \u{2028}"
        record.flags = [QualityFlag(code: "x", reason: "y \"z\"")]
        record.options = ["A", "B"]
        records[0] = record
        #expect(try JSONDecoder().decode(Record.self, from: Data(record.canonicalJSON.utf8)) == record)
    }
}
