import LoomCore
import LoomLLM
import LoomQuality
import Testing

@testable import LoomEngine

/// What a translation reply is held to beyond what it must keep: every turn translated, none condensed or running on.
@Suite struct TranslationCheckTests {
    static let source = Record(
        id: "rec-1", sampleID: "smp-1", media: ["m1"],
        turns: [
            Turn(role: .user, text: "<image>\nWhat colour is the car that is parked next to the house?"),
            Turn(role: .assistant, text: "The car is red and it has a black rack on the roof."),
        ],
        type: .shortVQA, domain: "attribute_recognition", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
        provenance: Provenance(generator: "model", template: "questions", phrasing: 0, seed: 1))

    func translation(_ texts: [String], language: String) -> Record {
        var record = Self.source
        record.language = language
        for index in record.turns.indices { record.turns[index].text = texts[index] }
        return record
    }

    func problem(_ texts: [String], language: String = "zh") -> String? {
        do {
            try TranslateStage.checkLanguage(translation(texts, language: language), source: Self.source, validator: RecordValidator())
            return nil
        } catch {
            return error.message
        }
    }

    @Test("a turn left in the source's language is sent back, though the record as a whole reads as the target")
    func aHalfTranslatedRecordIsRefused() {
        let half = problem(["<image>\n停在房子旁边的那辆车是什么颜色的？请详细描述一下这辆车和它周围的环境。", "The car is red and it has a black rack on the roof."])
        #expect(half?.contains("turns[1] is still in en") == true)
        #expect(problem(["<image>\n停在房子旁边的那辆车是什么颜色的？", "停在房子旁边的车是红色的，车顶有一个黑色的行李架。"]) == nil)
        // A sign's words quoted as they are written are no untranslated turn.
        let quoting = problem(
            ["<image>\n停在房子旁边的那辆车是什么颜色的？", "车是红色的，车门上写着“The quick brown fox jumps over the lazy dog”。"])
        #expect(quoting == nil)
        // Nor is a passage the answer transcribes, kept as written.
        let transcribing = problem(
            ["<image>\n停在房子旁边的那辆车是什么颜色的？请详细描述一下这辆车和它周围的环境。", "车门上写着: The car is red and it has a rack."], language: "zh")
        #expect(transcribing == nil)
    }

    @Test("a translation much shorter than its source (condensed) or much longer (running on) is sent back")
    func condensedOrRunawayTranslationsAreRefused() {
        let condensed = problem(["<image>\n停在房子旁边的那辆车是什么颜色的？", "红色。"])
        #expect(condensed == nil)  // the source answer is under 80 characters: a short translation may be right
        var long = Self.source
        long.turns[1].text = String(repeating: "The car parked next to the house is red, and it has a black roof rack. ", count: 3)
        func check(_ answer: String, _ language: String) -> String? {
            var translated = long
            translated.language = language
            translated.turns[0].text = "<image>\n停在房子旁边的那辆车是什么颜色的？"
            translated.turns[1].text = answer
            do {
                try TranslateStage.checkLanguage(translated, source: long, validator: RecordValidator())
                return nil
            } catch {
                return error.message
            }
        }
        #expect(check("红色。", "zh")?.contains("much shorter") == true)
        #expect(check(String(repeating: "汽车是红色的。", count: 200), "zh")?.contains("much longer") == true)
    }

    @Test("a translation cut off at max_tokens fails at once, saying to raise the limit, instead of asking for a shorter one")
    func cutOffTranslationsAreNotShortened() async throws {
        let model = CutOffModel()
        let request = ChatRequest(model: "m", messages: [.user("Translate.")], maxTokens: 4096)
        let outcome = try await StructuredChat(model: model, correctsCutOffs: false).complete(request) { value throws(ReplyProblem) in value }
        guard case .failure(let error) = outcome.result else {
            Issue.record("a cut-off translation was accepted")
            return
        }
        #expect(error.message.contains("raise `max_tokens`") && error.message.contains("4096"))
        #expect(outcome.replies.count == 1)
    }
}

/// A model whose every reply stops at max_tokens.
private final class CutOffModel: ChatModel {
    var endpointName: String { "cut-off" }
    func complete(_ request: ChatRequest) async throws -> ChatReply {
        ChatReply(text: #"{"turns": ["<image>\n停在"#, finishReason: "length", usage: TokenUsage(prompt: 5, completion: 4096))
    }
}
