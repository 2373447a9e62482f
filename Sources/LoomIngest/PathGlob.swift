/// A shell-style pattern for paths relative to a folder source's root, matched on raw bytes.
///
/// The rule:
/// - A pattern without `/` matches the file's name at any depth: `*.png` matches `a.png` and `x/y/a.png`.
/// - A pattern with a `/` matches the whole relative path from the root: `raw/*.png` matches `raw/a.png` only.
///   A leading `/` is ignored (`/raw/*` is the same as `raw/*`).
/// - `*` matches any run of bytes except `/`; `?` matches one byte except `/`; `[abc]`, `[a-z]` and `[!abc]`
///   (or `[^abc]`) match one byte from (or not from) a set; `\` makes the next byte literal.
/// - `**` matches any run of bytes, `/` included, so it crosses folders; `**/` also matches nothing at all, so
///   `**/cats/*.jpg` matches `cats/a.jpg` as well as `pets/cats/a.jpg`, and `thumbs/**` matches everything below
///   `thumbs`.
/// - Matching is case-sensitive and bytewise (a non-ASCII character in a set is its separate bytes).
///
/// An exclude pattern that matches a folder's relative path skips the whole folder.
struct PathGlob: Sendable, Hashable {
    let pattern: [UInt8]
    /// True when the pattern is matched against the whole relative path; false for name-only patterns.
    let anchored: Bool

    init(_ text: String) {
        var bytes = Array(text.utf8)
        while bytes.first == 0x2F { bytes.removeFirst() }
        anchored = text.utf8.contains(0x2F)
        pattern = bytes
    }

    /// True when `relativePath` (no leading `/`) matches.
    func matches(_ relativePath: [UInt8]) -> Bool {
        if anchored { return PathGlob.match(pattern[...], relativePath[...]) }
        let start = relativePath.lastIndex(of: 0x2F).map { $0 + 1 } ?? 0
        return PathGlob.match(pattern[...], relativePath[start...])
    }

    /// Backtracking matcher; `**` tries every split, which is fine for the short patterns people write.
    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        while p < pattern.endIndex {
            let byte = pattern[p]
            switch byte {
            case 0x2A:  // *
                if p + 1 < pattern.endIndex && pattern[p + 1] == 0x2A {
                    var rest = p + 2
                    while rest < pattern.endIndex && pattern[rest] == 0x2A { rest += 1 }
                    // `**/` may also match nothing at all.
                    if rest < pattern.endIndex && pattern[rest] == 0x2F
                        && match(pattern[(rest + 1)...], text[t...]) {
                        return true
                    }
                    for split in t...text.endIndex where match(pattern[rest...], text[split...]) { return true }
                    return false
                }
                let rest = p + 1
                var split = t
                while true {
                    if match(pattern[rest...], text[split...]) { return true }
                    if split == text.endIndex || text[split] == 0x2F { return false }
                    split += 1
                }
            case 0x3F:  // ?
                guard t < text.endIndex, text[t] != 0x2F else { return false }
                p += 1
                t += 1
            case 0x5B:  // [
                guard t < text.endIndex, text[t] != 0x2F else { return false }
                guard let (matched, next) = matchSet(pattern, at: p, byte: text[t]) else {
                    // An unclosed `[` is a literal bracket.
                    guard text[t] == 0x5B else { return false }
                    p += 1
                    t += 1
                    continue
                }
                guard matched else { return false }
                p = next
                t += 1
            case 0x5C:  // \
                let literal = p + 1 < pattern.endIndex ? pattern[p + 1] : 0x5C
                guard t < text.endIndex, text[t] == literal else { return false }
                p += min(2, pattern.endIndex - p)
                t += 1
            default:
                guard t < text.endIndex, text[t] == byte else { return false }
                p += 1
                t += 1
            }
        }
        return t == text.endIndex
    }

    /// Matches `byte` against the set starting at `open` (a `[`); the result and the index after the `]`, or nil
    /// when the set is not closed.
    private static func matchSet(_ pattern: ArraySlice<UInt8>, at open: Int, byte: UInt8) -> (Bool, Int)? {
        var index = open + 1
        var negated = false
        if index < pattern.endIndex && (pattern[index] == 0x21 || pattern[index] == 0x5E) {
            negated = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            var low = pattern[index]
            if low == 0x5D && !first { return (matched != negated, index + 1) }
            first = false
            if low == 0x5C && index + 1 < pattern.endIndex {
                index += 1
                low = pattern[index]
            }
            var high = low
            if index + 2 < pattern.endIndex && pattern[index + 1] == 0x2D && pattern[index + 2] != 0x5D {
                high = pattern[index + 2]
                index += 2
            }
            if low <= byte && byte <= high { matched = true }
            index += 1
        }
        return nil
    }
}
