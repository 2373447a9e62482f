import Foundation
import Testing

@testable import LoomCore

@Suite("ShareGPT conversations read back")
struct ShareGPTReadingTests {
    private static let texts = [
        "<image>\nHow many?", "It says \"STOP\" \\ done.", "tab\there, newline\nthere, return\r", "日本語 🙂 é",
        "line \u{2028} separator", "control \u{01} byte", "", "{\"from\": \"human\", \"value\": \"nested\"}",
    ]

    @Test("what Record.shareGPTJSON writes reads back turn for turn")
    func roundTrip() throws {
        for text in Self.texts {
            let turns = [Turn(role: .user, text: text), Turn(role: .assistant, text: text + "!")]
            let record = Record(
                id: "r", sampleID: "s", media: [], turns: turns, type: .shortVQA, domain: "counting", skill: nil, language: "en",
                options: nil, answerKey: nil, checks: [], provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 0))
            #expect(Turn.turns(fromShareGPT: record.shareGPTJSON) == turns, "\(text.debugDescription)")
        }
    }

    @Test("other ShareGPT layouts go through the general parser; what is not a conversation is nil")
    func otherLayouts() {
        let spaced = #"[ {"value": "Q", "from": "human"},{"from":"gpt","value":"A\u0041"} ]"#
        #expect(Turn.turns(fromShareGPT: spaced) == [Turn(role: .user, text: "Q"), Turn(role: .assistant, text: "AA")])
        #expect(Turn.turns(fromShareGPT: "[]") == [])
        #expect(Turn.turns(fromShareGPT: #"[{"from": "human"}]"#) == nil)
        #expect(Turn.turns(fromShareGPT: #"[{"from": "human", "value": "unterminated]"#) == nil)
        #expect(Turn.turns(fromShareGPT: "not json") == nil)
    }

    private static func matches(_ json: String) -> Bool {
        var json = json
        return json.withUTF8 { CanonicalShareGPT.matches($0) }
    }

    @Test("a conversation counts as canonical only when copying it equals reading it and writing it again")
    func canonicalConversations() throws {
        var canonical = 0
        for text in Self.texts + ["bell \u{07} and backspace \u{08}", "unit \u{1F} separator"] {
            let turns = [Turn(role: .user, text: text), Turn(role: .assistant, text: text + "!")]
            let record = Record(
                id: "r", sampleID: "s", media: [], turns: turns, type: .shortVQA, domain: "counting", skill: nil, language: "en",
                options: nil, answerKey: nil, checks: [], provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 0))
            let stored = record.shareGPTJSON
            var rewritten: [UInt8] = []
            JSONText.appendTurns(try #require(Turn.turns(fromShareGPT: stored)), keys: .shareGPT, to: &rewritten)
            if Self.matches(stored) {
                canonical += 1
                #expect(Array(stored.utf8) == rewritten, "\(text.debugDescription)")
            }
            // Only a stored text outside ASCII is left to the reading path (U+2028 is stored escaped).
            #expect(Self.matches(stored) == stored.utf8.allSatisfy { $0 < 0x80 }, "\(text.debugDescription)")
        }
        #expect(canonical == 9)
        #expect(Self.matches("[]"))
    }

    @Test("escapes the writer does not produce, other layouts and broken text are not canonical")
    func notCanonical() {
        let opening = #"[{"from": "human", "value": ""#
        for value in [#"a\/b"#, #"\u0041"#, #"\u000a"#, #"\u001F"#, #"\u2027"#, #"caf\u00e9"#, "café", #"\x"#, "tab\tinside"] {
            #expect(!Self.matches(opening + value + #""}]"#), "\(value.debugDescription)")
        }
        #expect(Self.matches(opening + #"ok \u001f \u2029 \" \\ \n"}]"#))
        #expect(!Self.matches(#"[{"from": "human", "value": "Q"}]x"#))
        #expect(!Self.matches(#"[{"from": "human", "value": "Q"},{"from": "gpt", "value": "A"}]"#))
        #expect(!Self.matches(#"[{"value": "Q", "from": "human"}]"#))
        #expect(!Self.matches(#"[{"from": "human", "value": "unterminated}]"#))
        #expect(!Self.matches(#"[{"from": "system", "value": "S"}]"#))
        #expect(!Self.matches(""))
    }

    // The check steps over plain text eight bytes at a time: what needs care must be seen at any offset in a word.
    @Test("an escape, a control character or a byte outside ASCII is seen at any position of a long text")
    func specialBytesAtEveryOffset() {
        let opening = #"[{"from": "human", "value": ""#
        for offset in 0..<20 {
            let before = String(repeating: "a", count: offset)
            let after = String(repeating: "b", count: 19)
            let text = { (middle: String) in opening + before + middle + after + #""}]"# }
            #expect(Self.matches(text(#"\""#)), "offset \(offset)")
            #expect(Self.matches(text(#"\\ \n \u0001"#)), "offset \(offset)")
            #expect(Self.matches(text("~\u{7F}")), "offset \(offset)")
            for bad in ["\t", "\u{01}", "\u{1F}", "é", "\u{80}", #"\/"#, #"\u0041"#] {
                #expect(!Self.matches(text(bad)), "\(bad.debugDescription) at offset \(offset)")
            }
            #expect(!Self.matches(opening + before + after + "}]"), "unterminated, offset \(offset)")
            #expect(!Self.matches(opening + before + #"""# + after + #""}]"#), "a quote ends the value early, offset \(offset)")
        }
    }
}
