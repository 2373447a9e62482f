import Foundation
import Testing

@testable import LoomCore

@Suite("JSON string escaping")
struct JSONEscapingTests {
    /// The bytes escaping must stop at, found one at a time: the reference for the eight-at-a-time scan.
    private func naiveFirst(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, !(bytes[index] < 0x20 || bytes[index] == 0x22 || bytes[index] == 0x5C || bytes[index] == 0xE2) {
            index += 1
        }
        return index
    }

    @Test("the word-at-a-time scan finds the same first byte as a byte-by-byte one, at every offset")
    func scanMatchesReference() {
        var rng = SeededGenerator(seed: 7)
        let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x9F, 0xA0, 0xE1, 0xE2, 0xE3, 0xFF]
        for length in 0..<40 {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in
                    rng.int(in: 0...3) == 0 ? interesting[rng.int(in: 0...(interesting.count - 1))] : UInt8(rng.int(in: 0x61...0x7A))
                }
                bytes.withUnsafeBufferPointer { buffer in
                    for start in 0...length {
                        #expect(JSONText.firstAttention(in: buffer, from: start) == naiveFirst(bytes, from: start))
                    }
                }
            }
        }
    }

    @Test("escaped text reads back as the same string, with no raw control characters and U+2028/U+2029 escaped")
    func roundTrip() throws {
        let texts = [
            "", "plain", "a \"quoted\" word", "back\\slash", "line\nbreak\r\n\ttab", "\u{01}\u{1F}", "naïve ✓ 图像",
            "sep\u{2028}arators\u{2029}", "\u{E2}", "Image 1: <image>\nImage 2: <image>\nWhich one shows \"42\"?",
            String(repeating: "abcdefg\"", count: 9),
        ]
        for text in texts {
            var out: [UInt8] = []
            JSONText.appendQuoted(text, to: &out)
            #expect(!out.contains { $0 < 0x20 })
            let json = String(decoding: out, as: UTF8.self)
            #expect(!json.contains("\u{2028}") && !json.contains("\u{2029}"))
            let decoded = try JSONSerialization.jsonObject(with: Data(out), options: [.fragmentsAllowed]) as? String
            #expect(decoded == text, "\(json)")
        }
    }
}

@Suite("JSON numbers")
struct JSONNumberTests {
    @Test("integers are spelled as String spells them, at the edges of every width")
    func decimal() {
        func spelled<T: BinaryInteger>(_ value: T) -> String {
            var out: [UInt8] = []
            JSONBuilder.appendDecimal(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        for value in [0, 1, -1, 9, 10, -10, 99, 100, 12_345, -987_654_321, Int.max, Int.min] { #expect(spelled(value) == String(value)) }
        for value: UInt64 in [0, 7, 10, 18_446_744_073_709_551_615, 16_729_935_573_195_920_356] { #expect(spelled(value) == String(value)) }
        for value: Int32 in [.max, .min, 0, -5] { #expect(spelled(value) == String(value)) }
        #expect(spelled(UInt8.max) == "255")
    }
}

@Suite("JSON builder")
struct JSONBuilderTests {
    @Test("a builder that starts small grows and keeps every byte, strings escaped as the array writer escapes them")
    func growsAndMatchesTheArrayWriter() throws {
        let texts = ["", "short", String(repeating: "long \"quoted\" text ✓\n", count: 400), "tail"]
        var builder = JSONBuilder(capacity: 1)
        builder.array(texts) { $0.string($1) }
        var reference: [UInt8] = [0x5B]
        for (index, text) in texts.enumerated() {
            if index > 0 { reference.append(0x2C) }
            JSONText.appendQuoted(text, to: &reference)
        }
        reference.append(0x5D)
        #expect(Array(builder.text.utf8) == reference)
        let parsed = try JSONSerialization.jsonObject(with: Data(builder.text.utf8)) as? [String]
        #expect(parsed == texts)
    }

    @Test("numbers: integers of every size and doubles as Swift spells them")
    func numbers() {
        var builder = JSONBuilder(capacity: 1)
        builder.object { j in
            j.member("small", 7)
            j.member("negative", -42)
            j.member("wide", UInt64.max)
            j.member("ratio", 0.125)
            j.member("whole", 3.0)
            j.member("flag", true)
        }
        #expect(builder.text == #"{"small":7,"negative":-42,"wide":18446744073709551615,"ratio":0.125,"whole":3.0,"flag":true}"#)
    }
}
