import Foundation

/// The word lists of the verb–object analysis, read from `Resources/verb-lexicon.txt`, and the lemmatizer
/// built on them (regular English inflection plus the file's irregular forms).
public struct VerbLexicon: Sendable {
    /// How a word form relates to its verb.
    public enum Form: Sendable, Hashable {
        /// "describe", "cut".
        case base
        /// "describes", "matches", "carries".
        case thirdPerson
        /// "painted", "drawn", "found": past tense or past participle.
        case past
        /// "holding", "lying".
        case gerund
    }

    public let verbs: Set<String>
    /// Irregular form → base form, for the forms listed in [irregular].
    public let irregular: [String: String]
    public let auxiliaries: Set<String>
    public let whWords: Set<String>
    public let prepositions: Set<String>
    public let determiners: Set<String>
    public let pronouns: Set<String>
    public let adverbs: Set<String>
    public let conjunctions: Set<String>
    public let numbers: Set<String>
    public let adjectives: Set<String>
    /// Irregular plural → singular.
    public let plurals: [String: String]
    /// Nouns ending in "s" that stay as they are.
    public let singularS: Set<String>
    /// Phrases stripped from the start of a sentence, as word lists.
    public let leadIns: [[String]]

    /// The lexicon shipped with Loom.
    public static let bundled: VerbLexicon = {
        guard let url = Bundle.module.url(forResource: "verb-lexicon", withExtension: "txt", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "verb-lexicon", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { preconditionFailure("LoomReport's Resources/verb-lexicon.txt is missing from the bundle") }
        return VerbLexicon(text: text)
    }()

    /// Parses the lexicon format: `[section]` lines, words separated by spaces, `#` comments.
    public init(text: String) {
        var sections: [String: [[String]]] = [:]
        var current = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                current = String(trimmed.dropFirst().dropLast())
                continue
            }
            sections[current, default: []].append(trimmed.lowercased().split(separator: " ").map(String.init))
        }
        func words(_ name: String) -> Set<String> { Set((sections[name] ?? []).flatMap { $0 }) }
        var irregular: [String: String] = [:]
        var verbs = words("verbs")
        for line in sections["irregular"] ?? [] {
            guard let base = line.first else { continue }
            verbs.insert(base)
            for form in line.dropFirst() where form != base { irregular[form] = base }
        }
        // A participle spelled like its base ("cut cut") is recorded so that "is the cake cut" reads as passive.
        self.baseParticiples = Set((sections["irregular"] ?? []).compactMap { $0.count > 1 && $0[1] == $0[0] ? $0[0] : nil })
        self.verbs = verbs
        self.irregular = irregular
        auxiliaries = words("auxiliaries")
        whWords = words("wh-words")
        prepositions = words("prepositions")
        determiners = words("determiners")
        pronouns = words("pronouns")
        adverbs = words("adverbs")
        conjunctions = words("conjunctions")
        numbers = words("numbers")
        adjectives = words("adjectives")
        var plurals: [String: String] = [:]
        for line in sections["plurals"] ?? [] where line.count == 2 { plurals[line[0]] = line[1] }
        self.plurals = plurals
        singularS = words("singular-s")
        leadIns = sections["lead-ins"] ?? []
    }

    /// Verbs whose past participle is spelled like the base form.
    public let baseParticiples: Set<String>

    /// The forms of "be".
    public static let copula: Set<String> = ["be", "am", "is", "are", "was", "were", "been", "being", "'s"]

    /// The verb `word` is a form of, and which forms it can be; nil when it is no known verb.
    public func verb(_ word: String) -> (lemma: String, forms: Set<Form>)? {
        var forms: Set<Form> = []
        var lemma: String?
        if verbs.contains(word) {
            lemma = word
            forms.insert(.base)
            if baseParticiples.contains(word) { forms.insert(.past) }
        }
        if let base = irregular[word] {
            lemma = lemma ?? base
            forms.insert(word.hasSuffix("ing") ? .gerund : word.hasSuffix("s") && base != word ? .thirdPerson : .past)
        }
        if lemma == nil {
            for (candidate, form) in regularCandidates(word) where verbs.contains(candidate) {
                lemma = candidate
                forms.insert(form)
                break
            }
        }
        return lemma.map { ($0, forms) }
    }

    /// Base forms that regular inflection could have produced `word` from, most likely first.
    private func regularCandidates(_ word: String) -> [(String, Form)] {
        var out: [(String, Form)] = []
        func strip(_ suffix: String) -> String? {
            word.count > suffix.count + 1 && word.hasSuffix(suffix) ? String(word.dropLast(suffix.count)) : nil
        }
        if let stem = strip("ies") { out.append((stem + "y", .thirdPerson)) }
        if let stem = strip("es") { out.append((stem, .thirdPerson)) }
        if let stem = strip("s"), !word.hasSuffix("ss") { out.append((stem, .thirdPerson)) }
        if let stem = strip("ied") { out.append((stem + "y", .past)) }
        if let stem = strip("ed") {
            out.append((stem + "e", .past))
            out.append((stem, .past))
            if let last = stem.last, stem.dropLast().last == last { out.append((String(stem.dropLast()), .past)) }
        }
        if let stem = strip("ing") {
            out.append((stem, .gerund))
            out.append((stem + "e", .gerund))
            if let last = stem.last, stem.dropLast().last == last { out.append((String(stem.dropLast()), .gerund)) }
            if stem.hasSuffix("y") { out.append((String(stem.dropLast()) + "ie", .gerund)) }
        }
        return out
    }

    /// The singular of a noun: the irregular table, then "-ies" → "-y", "-ches/-shes/-xes/-sses/-zes" → without
    /// "es", and a final "s" dropped (but not from "-ss", "-us", "-is" or the listed singular nouns).
    public func singular(_ noun: String) -> String {
        if let singular = plurals[noun] { return singular }
        if singularS.contains(noun) || noun.count <= 3 { return noun }
        if noun.hasSuffix("ies") { return String(noun.dropLast(3)) + "y" }
        for suffix in ["ches", "shes", "xes", "sses", "zes"] where noun.hasSuffix(suffix) { return String(noun.dropLast(2)) }
        if noun.hasSuffix("ss") || noun.hasSuffix("us") || noun.hasSuffix("is") { return noun }
        if noun.hasSuffix("s") { return String(noun.dropLast()) }
        return noun
    }

    /// Whether `word` can only be a function word (never a noun): determiners, pronouns, prepositions, adverbs,
    /// conjunctions, numbers, wh-words, auxiliaries and forms of "be".
    public func isFunctionWord(_ word: String) -> Bool {
        determiners.contains(word) || pronouns.contains(word) || prepositions.contains(word) || adverbs.contains(word)
            || conjunctions.contains(word) || numbers.contains(word) || whWords.contains(word)
            || auxiliaries.contains(word) || Self.copula.contains(word) || word.allSatisfy(\.isNumber)
    }
}
