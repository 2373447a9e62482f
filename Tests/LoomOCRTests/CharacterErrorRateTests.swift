import LoomOCR
import Testing

@Suite struct CharacterErrorRateTests {
    @Test func exactValues() {
        #expect(CharacterErrorRate.of("SALE", reference: "SALE") == 0)
        #expect(CharacterErrorRate.of("kitten", reference: "sitting") == 3.0 / 7.0)
        #expect(CharacterErrorRate.of("", reference: "EXIT") == 1)
        #expect(CharacterErrorRate.of("EXITS", reference: "EXIT") == 0.25)
        #expect(CharacterErrorRate.of("(EXIT)", reference: "EXIT") == 0.5)
        #expect(CharacterErrorRate.of("exit", reference: "EXIT") == 1)
        // An empty reference counts as one character.
        #expect(CharacterErrorRate.of("", reference: "") == 0)
        #expect(CharacterErrorRate.of("ab", reference: "") == 2)
    }

    @Test func countsCharactersNotScalars() {
        // "é" precomposed and decomposed are the same character; a flag is one character of two scalars.
        #expect(CharacterErrorRate.of("caf\u{65}\u{301}", reference: "caf\u{e9}") == 0)
        #expect(CharacterErrorRate.distance("🇫🇷", "🇩🇪") == 1)
        #expect(CharacterErrorRate.of("$5", reference: "$15") == 1.0 / 3.0)
    }

    @Test func aggregateWeighsByReferenceLength() {
        let pairs: [(recognized: String, reference: String)] = [("SALE", "SALE"), ("EXT", "EXIT"), ("", "7")]
        // 0 + 1 + 1 edits over 4 + 4 + 1 characters.
        #expect(CharacterErrorRate.aggregate(pairs) == 2.0 / 9.0)
        #expect(CharacterErrorRate.aggregate([]) == 0)
        #expect(CharacterErrorRate.aggregate([("", "")]) == 0)
    }
}
