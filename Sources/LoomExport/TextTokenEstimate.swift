/// A tokenizer-free estimate of how many tokens a text costs in a BPE vocabulary of a modern LLM.
///
/// Runs of Latin letters and digits cost about one token per 4 characters (rounded up per word), punctuation one
/// each, and every CJK, kana, Hangul or other non-Latin-script character one token: close to LLaMA- and
/// Qwen-family tokenizers on English and CJK text, and an overestimate (the safe side for a context limit) on
/// text a tokenizer compresses better.
public enum TextTokenEstimate {
    public static func tokens(in text: String) -> Int {
        var tokens = 0
        var run = 0
        func closeRun() {
            if run > 0 { tokens += (run + 3) / 4 }
            run = 0
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
                || (0xC0...0x24F).contains(value) {
                run += 1
            } else if value == 0x20 || value == 0x0A || value == 0x09 {
                closeRun()
            } else {
                closeRun()
                tokens += 1
            }
        }
        closeRun()
        return tokens
    }
}
