/// A small language identifier for the eight MIMIC-IT languages: the script decides zh, ja, ko and ar; the most
/// frequent words decide between the Latin-script languages (en, es, fr, de). It answers only when the text says
/// enough; otherwise it has no opinion and the record is not flagged.
enum LanguageGuess {
    /// The language of `words` (lower-cased), or nil when the text is too short or too mixed to tell.
    static func guess(_ words: [String]) -> String? {
        // Han and kana come one character a word (`Words` splits them so), while a Chinese or Japanese word is
        // about two characters: each counts half, so that an English answer quoting a Chinese sign still reads as
        // English.
        var han = 0.0, kana = 0.0, hangul = 0.0, arabic = 0.0, latin = 0.0
        for word in words {
            guard let scalar = word.unicodeScalars.first else { continue }
            switch scalar.value {
            case 0x3040...0x30FF: kana += 0.5
            case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: han += 0.5
            case 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F: hangul += 1
            case 0x0600...0x06FF, 0x0750...0x077F: arabic += 1
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin += 1
            default: break
            }
        }
        let total = han + kana + hangul + arabic + latin
        guard total >= 3 else { return nil }
        if kana * 5 >= total { return "ja" }
        if han * 2 >= total { return "zh" }
        if hangul * 2 >= total { return "ko" }
        if arabic * 2 >= total { return "ar" }
        guard latin * 2 >= total else { return nil }
        // One lookup per word gives its languages; hits are counted per language in code order.
        let table = Self.commonWords
        var hitsByLanguage = [Int](repeating: 0, count: table.codes.count)
        for word in words {
            guard var languages = table.languagesOfWord[word] else { continue }
            while languages != 0 {
                hitsByLanguage[languages.trailingZeroBitCount] += 1
                languages &= languages - 1
            }
        }
        var best: (code: String, hits: Int)?
        var runnerUp = 0
        for (code, hits) in zip(table.codes, hitsByLanguage) {
            if hits > (best?.hits ?? 0) {
                runnerUp = best?.hits ?? 0
                best = (code, hits)
            } else if hits > runnerUp {
                runnerUp = hits
            }
        }
        // At least three hits, and half again as many as the next language (related languages share words).
        guard let best, best.hits >= 3, best.hits * 2 >= runnerUp * 3 else { return nil }
        return best.code
    }

    /// The Latin-script languages' common words, as one table: each word with the set of languages (bits, in the
    /// order of `codes`, which is sorted) it is common in.
    private static let commonWords: (codes: [String], languagesOfWord: [String: UInt64]) = {
        let codes = QualityResources.languageWords.keys.sorted()
        precondition(codes.count <= 64, "language-words.txt lists more languages than a 64-bit set holds")
        var languagesOfWord: [String: UInt64] = [:]
        for (bit, code) in codes.enumerated() {
            for word in QualityResources.languageWords[code]! { languagesOfWord[word, default: 0] |= 1 << UInt64(bit) }
        }
        return (codes, languagesOfWord)
    }()

    /// The primary subtag of a BCP-47 code: "en-US" → "en", "zh-Hans" → "zh".
    static func primary(_ code: String) -> String {
        String(code.split(separator: "-").first ?? Substring(code)).lowercased()
    }
}
