import LoomQuality
import Testing

@Suite("Yes and no in a judgement's language")
struct JudgementAnswerTests {
    @Test("Chinese and Japanese answers are read from their opening text, not from split characters", arguments: [
        ("没有。图中没有猫。", "zh", "no"), ("不是的，它是红色的。", "zh", "no"), ("是的，有两只。", "zh", "yes"),
        ("有两个。", "zh", "yes"), ("はい、赤いです。", "ja", "yes"), ("いいえ。", "ja", "no"),
    ])
    func spacelessScripts(answer: String, language: String, expected: String) {
        #expect(JudgementAnswer.yesOrNo(answer, language: language) == expected)
    }

    @Test("in scripts with spaces the word must end: no is not nothing", arguments: [
        ("Yes, it is red.", "en", "yes"), ("No.", "en", "no"), ("Nothing is there.", "en", nil), ("Not really.", "en", nil),
        ("Sí, hay dos.", "es", "yes"), ("No, no hay.", "es", "no"), ("Oui.", "fr", "yes"), ("Nein", "de", "no"),
        ("네, 맞아요.", "ko", "yes"), ("예를 들어 두 개가 있다.", "ko", nil), ("\"Yes\"", "en", "yes"),
    ] as [(String, String, String?)])
    func spacedScripts(answer: String, language: String, expected: String?) {
        #expect(JudgementAnswer.yesOrNo(answer, language: language) == expected)
    }
}
