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
}
