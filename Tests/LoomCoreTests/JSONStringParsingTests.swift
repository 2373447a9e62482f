import Foundation
import Testing

@testable import LoomCore

@Suite("JSON string literals")
struct JSONStringParsingTests {
    /// Parses one string literal, or returns the error's reason.
    private func parse(_ literal: String) -> Result<String, JSONParseError> {
        var literal = literal
        return literal.withUTF8 { bytes in
            var parser = JSONParser(bytes: bytes)
            do throws(JSONParseError) {
                return .success(try parser.stringValue())
            } catch {
                return .failure(error)
            }
        }
    }

    @Test("escapes resolve to the characters Foundation's decoder gives")
    func escapesMatchFoundation() throws {
        let literals = [
            #""plain text""#, #""""#, #""quote \" backslash \\ slash \/""#, #""\b\f\n\r\t""#, #""\u0041\u00e9\u65E5""#,
            #""pair \uD83D\uDE00 done""#, #""日本語 🙂 raw UTF-8""#, #""\\\\\"""#, #""escape at the end\n""#,
        ]
        for literal in literals {
            let expected = try JSONDecoder().decode(String.self, from: Data(literal.utf8))
            #expect(try parse(literal).get() == expected, "\(literal)")
        }
    }

    @Test("a lone surrogate becomes U+FFFD instead of failing")
    func loneSurrogate() throws {
        #expect(try parse(#""a\uD83Db""#).get() == "a\u{FFFD}b")
        #expect(try parse(#""\uDE00""#).get() == "\u{FFFD}")
    }

    @Test("broken literals fail with what is wrong and where")
    func brokenLiterals() {
        #expect(parse(#""bad \x escape""#).failureReason?.hasPrefix("bad escape '\\x'") == true)
        #expect(parse(#""bad \u12G4""#).failureReason?.hasPrefix("bad \\u escape") == true)
        #expect(parse("\"tab\tinside\"").failureReason == "control character in a string at column 5")
        #expect(parse(#""no end"#).failureReason == "unterminated string at column 1")
        #expect(parse(#""ends in a backslash\"#).failureReason == "unterminated string at column 1")
        #expect(parse("42").failureReason == "expected a string at column 1")
    }
}

extension Result where Failure == JSONParseError {
    fileprivate var failureReason: String? {
        if case .failure(let error) = self { return error.reason }
        return nil
    }
}
