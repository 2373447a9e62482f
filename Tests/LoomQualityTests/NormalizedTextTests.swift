import Testing
@testable import LoomQuality

@Suite struct NormalizedTextTests {
    @Test(arguments: [
        ("What colour is the large cube to the left of the red sphere?", "what colour is the large cube to the left of the red sphere"),
        ("Don't stop: 10,000 times!", "dont stop 10000 times"),
        ("  a \t b\n\n c  ", "a b c"),
        ("Image 1: <image>\nImage 2: <image>\nCompare image 1 and image 2.", "compare image 1 and image 2"),
        ("<image>\nWhat is this?", "what is this"),
        ("<image>What is this?", "what is this"),
        ("a<image>b", "a b"),
        ("Image 2 shows a dog.", "image 2 shows a dog"),
        ("Image 2: a dog.", "image 2 a dog"),
        ("IMAGE 3 :  <image>  Frame 4:<image>\nx", "x"),
        // A video's frames with their times: the labels go, as without times.
        ("Frame 1 (1.0 s): <image>\nFrame 2 (12.5 s): <image>\nWhat happens first?", "what happens first"),
        ("Frame 2 (see below): <image>\nx", "frame 2 see below x"),
        ("Image 1:\nImage 2:\nWhich is brighter?", "which is brighter"),
        ("Image 1: <image>\r\nWhat?\r\n", "what"),
        ("<image>", ""),
        ("Image 1: <image>\n<image>\n", ""),
        ("", ""),
        ("?!.,;", ""),
        ("A\u{0007}B", "ab"),
        ("x\u{2028}y\u{00A0}z\u{0085}w", "x y z w"),
        ("Ça VA? Ünïcode — ÉCOLE", "ça va ünïcode école"),
        ("a—b", "ab"),
        ("great 👍 job", "great job"),
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
        ("İstanbul", "i\u{0307}stanbul"),
        ("ȺȺȺȺ", "ⱥⱥⱥⱥ"),
        ("日本語のテキスト。次", "日 本 語 の テ キ ス ト 次"),
        ("नमस्ते दुनिया", "नमस्ते दुनिया"),
        ("Cafe\u{0301} ²½", "cafe\u{0301} ²½"),
        ("Image<image>1:\nok", "ok"),
        ("a\u{1C}b", "ab"),
    ])
    func normalizes(_ input: String, _ expected: String) {
        let normal = NormalizedText.normalized(input)
        #expect(Array(normal.unicodeScalars) == Array(expected.unicodeScalars), "\(input.debugDescription)")
    }

    @Test func wordsAreTheNormalizedFormSplitOnSpaces() {
        #expect(NormalizedText.words("Hello, World!  <image> Foo\nbar") == ["hello", "world", "foo", "bar"])
        #expect(NormalizedText.words("  ").isEmpty)
        #expect(NormalizedText.words("Ünïcode x") == ["ünïcode", "x"])
    }

    @Test func bufferVariantMatchesAndReusesTheBuffer() {
        let texts = ["Short.", String(repeating: "Longer TEXT, with punctuation! ", count: 200), "İİİİİİİİ", "", "Image 1: <image>\nok"]
        var buffer: [UInt8] = []
        for text in texts {
            let bytes = NormalizedText.withNormalizedUTF8(of: text, buffer: &buffer) { Array($0) }
            #expect(String(decoding: bytes, as: UTF8.self) == NormalizedText.normalized(text))
        }
        #expect(buffer.count >= 200 * 31)
    }
}
