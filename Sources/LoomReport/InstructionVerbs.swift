/// The root verb of an instruction and the head noun of its direct object, for the verb–noun diversity analysis
/// that MIMIC-IT and LLaVA report.
public struct VerbObject: Sendable, Hashable, Codable {
    /// The verb's base form ("describe", "be", "have").
    public var verb: String
    /// The object's head noun, singular ("image", "color"); nil when the verb has no noun object.
    public var object: String?

    public init(verb: String, object: String?) {
        self.verb = verb
        self.object = object
    }
}

/// Finds the root verb and object of an English instruction with word lists and a few rules — a heuristic, not
/// a parser (those datasets used one; Loom has no parser to link).
///
/// The rules, in order, for each sentence until one yields a verb:
/// 1. Text in double quotes is dropped, contractions are split ("what's" → "what is"), and lead-in phrases of
///    the lexicon ("please", "is it true that", "looking at the image") are stripped, as is an opening
///    adverbial up to its comma ("In frame 4, …", "If every square were taken away, …") and a preposition
///    before a wh-word ("In which region …").
/// 2. **Imperative** (the sentence opens with a listed verb's base form): that verb; its object.
/// 3. **Wh-question**: the wh-phrase ("which color", "how many squares") is skipped and its last noun kept; the
///    clause after it is read as below. The wh-noun is the object when the clause has a subject of its own
///    ("which color does the star *have*" → have/color; "what color *is* the star" → be/color); otherwise the
///    wh-phrase is the subject ("which image *shows* the circle" → show/circle).
/// 4. **Yes/no question** (opens with an auxiliary or a form of "be") and **statement** (the first finite verb):
///    after "do"/modals the main verb is the first listed verb that does not follow a determiner, adjective,
///    number or preposition ("does the image contain …" → contain). A form of "be" followed in the same clause
///    by a participle is passive and roots at that verb, whose object is the passive subject ("how is the
///    circle positioned" → position/circle; "can the square be found" → find/square); followed by an "-ing"
///    form it is progressive ("is the man holding an umbrella" → hold/umbrella). Otherwise the copula is the
///    root, "be", with the first noun after it as its object ("is the color of the hexagon blue" → be/color;
///    "are there 3 more hexagons" → be/hexagon).
/// 5. The **object** is the noun phrase right after the verb — determiners, numbers, adverbs, adjectives and
///    modifying participles skipped, "each of"/"one of" crossed — and its head is its last noun ("the bounding
///    box" → box), made singular. A preposition, pronoun, conjunction or clause boundary first means no object.
///
/// A noun is any word that is not in a function-word list (determiners, pronouns, prepositions, adverbs,
/// conjunctions, numbers, wh-words, auxiliaries) or the adjective list. Known limits: verbs missing from the
/// lexicon are not found; a noun spelled like a listed verb at the start of a sentence reads as an imperative;
/// "what is X" questions all root at "be" (as a dependency parser would put the copula aside, this counts them
/// under "be" instead); only English is analysed.
public struct InstructionVerbs: Sendable {
    public let lexicon: VerbLexicon

    public init(lexicon: VerbLexicon = .bundled) {
        self.lexicon = lexicon
    }

    /// The root verb and object of the first sentence of `instruction` that has a verb; nil when none has.
    public func analyse(_ instruction: String) -> VerbObject? {
        for sentence in Self.sentences(instruction) {
            if let found = analyse(sentence: sentence) { return found }
        }
        return nil
    }

    // MARK: Tokens

    /// Lower-case words and commas, one array per sentence (split at . ? ! ; : and line breaks; a full stop
    /// between digits is part of a number). Quoted text is left out.
    static func sentences(_ text: String) -> [[String]] {
        var sentences: [[String]] = []
        var tokens: [String] = []
        var word = ""
        var inQuote = false
        let characters = Array(text.lowercased())
        func flushWord() {
            let trimmed = word.trimmingCharacters(in: ["-", "'"])
            if !trimmed.isEmpty { tokens += split(contraction: trimmed) }
            word = ""
        }
        func endSentence() {
            flushWord()
            if !tokens.isEmpty { sentences.append(tokens) }
            tokens = []
        }
        for (index, character) in characters.enumerated() {
            if character == "\"" || character == "\u{201C}" || character == "\u{201D}" {
                flushWord()
                inQuote = character == "\u{201C}" ? true : character == "\u{201D}" ? false : !inQuote
                continue
            }
            if inQuote { continue }
            if character.isLetter || character.isNumber || character == "-" {
                word.append(character)
            } else if character == "'" || character == "\u{2019}" {
                word.append("'")
            } else if character == ".", let last = word.last, last.isNumber, index + 1 < characters.count,
                characters[index + 1].isNumber
            {
                word.append(".")
            } else if character == "," {
                flushWord()
                tokens.append(",")
            } else if ".?!;:\n".contains(character) {
                endSentence()
            } else {
                flushWord()
            }
        }
        endSentence()
        return sentences
    }

    /// "what's" → "what is", "they're" → "they are", "can't" stays; a possessive "'s" is dropped.
    private static func split(contraction word: String) -> [String] {
        let expansions = ["'re": "are", "'ll": "will", "'ve": "have", "'m": "am", "'d": "would"]
        for (suffix, expansion) in expansions where word.hasSuffix(suffix) && word.count > suffix.count {
            return [String(word.dropLast(suffix.count)), expansion]
        }
        if word.hasSuffix("'s") && word.count > 2 {
            let base = String(word.dropLast(2))
            let opensClause: Set<String> = [
                "what", "which", "who", "where", "when", "why", "how", "it", "that", "there", "here", "this", "he", "she",
            ]
            return opensClause.contains(base) ? [base, "is"] : [base]
        }
        return [word]
    }

    // MARK: Sentences

    private func analyse(sentence: [String]) -> VerbObject? {
        var t = stripOpening(sentence)
        t = t.filter { !$0.isEmpty }
        guard let first = t.first else { return nil }
        if lexicon.whWords.contains(first) { return whQuestion(t) }
        if isAuxiliary(first) || VerbLexicon.copula.contains(first) { return clause(t, at: 0, whNoun: nil, subject: nil) }
        if lexicon.verbs.contains(first) { return VerbObject(verb: first, object: directObject(t, from: 1)) }
        // An imperative of a verb the lexicon lacks: an unknown word right before a determiner ("transcribe the …").
        if t.count > 1, lexicon.determiners.contains(t[1]), isNoun(first), lexicon.verb(first) == nil {
            return VerbObject(verb: first, object: directObject(t, from: 1))
        }
        // A statement: its first finite verb (an auxiliary, "be", or an inflected verb not after a determiner).
        for k in t.indices.dropFirst() {
            let word = t[k]
            if word == "," { continue }
            let finite = isAuxiliary(word) || VerbLexicon.copula.contains(word)
                || (isVerbCandidate(t, k) && !(lexicon.verb(word)?.forms.isDisjoint(with: [.thirdPerson, .past]) ?? true))
            if finite { return clause(t, at: k, whNoun: nil, subject: lastNoun(t[0..<k])) }
        }
        return nil
    }

    /// Strips lead-in phrases, opening adverbials up to their comma, and a preposition before a wh-word.
    private func stripOpening(_ sentence: [String]) -> [String] {
        var t = ArraySlice(sentence)
        var changed = true
        while changed && !t.isEmpty {
            changed = false
            while t.first == "," {
                t = t.dropFirst()
                changed = true
            }
            for leadIn in lexicon.leadIns where t.starts(with: leadIn) {
                t = t.dropFirst(leadIn.count)
                changed = true
                break
            }
            if changed { continue }
            guard let first = t.first else { break }
            if opensAdverbial(first), let comma = t.firstIndex(of: ","), comma - t.startIndex < 12 {
                t = t[(comma + 1)...]
                changed = true
            } else if t.count > 1, lexicon.prepositions.contains(first), lexicon.whWords.contains(t[t.startIndex + 1]) {
                t = t.dropFirst()
                changed = true
            }
        }
        return Array(t)
    }

    private func opensAdverbial(_ word: String) -> Bool {
        if lexicon.prepositions.contains(word) || lexicon.conjunctions.contains(word) { return true }
        if ["given", "based", "according", "compared"].contains(word) { return true }
        return word.hasSuffix("ing") && lexicon.verb(word)?.forms.contains(.gerund) == true
    }

    private func whQuestion(_ t: [String]) -> VerbObject? {
        var i = 1
        // "how many", "how much", "how big": the word after "how" belongs to the wh-phrase.
        if t[0] == "how", i < t.count, !isAuxiliary(t[i]), !VerbLexicon.copula.contains(t[i]) { i += 1 }
        var whNoun: String?
        var frozen = false  // after a preposition ("which region of the picture") the head noun is fixed
        var pronoun = false  // "which one shows …"
        while i < t.count, t[i] != ",", !isAuxiliary(t[i]), !VerbLexicon.copula.contains(t[i]) {
            let word = t[i]
            if lexicon.prepositions.contains(word) {
                frozen = true
            } else if (whNoun != nil || frozen) && isVerbCandidate(t, i) {
                break  // "which shape appears …": the wh-phrase is the subject
            } else if pronoun, let verb = lexicon.verb(word), !verb.forms.isDisjoint(with: [.thirdPerson, .past]) {
                break
            } else if whNoun == nil, lexicon.pronouns.contains(word) {
                pronoun = true
            } else if i == 1, t[0] == "what" || t[0] == "who", startsPredicate(t, i) {
                break  // "what happens next", "who wears a hat" (but "what shapes are there" reads as a noun)
            } else if !frozen, isNoun(word) {
                whNoun = word
            }
            i += 1
        }
        guard i < t.count, t[i] != "," else { return nil }
        return clause(t, at: i, whNoun: whNoun.map(lexicon.singular), subject: nil)
    }

    /// Whether the word at `i` is a finite verb (not followed by an auxiliary or "be", which would make it a
    /// noun: "what shapes are …").
    private func startsPredicate(_ t: [String], _ i: Int) -> Bool {
        guard let verb = lexicon.verb(t[i]), !verb.forms.isDisjoint(with: [.thirdPerson, .past]) else { return false }
        guard i + 1 < t.count else { return true }
        return !isAuxiliary(t[i + 1]) && !VerbLexicon.copula.contains(t[i + 1])
    }

    /// Reads the clause whose auxiliary, copula or verb is at `i`.
    private func clause(_ t: [String], at i: Int, whNoun: String?, subject: String?) -> VerbObject? {
        let word = t[i]
        if VerbLexicon.copula.contains(word) {
            var j = i + 1
            while j < t.count, t[j] != "," {
                if let verb = participle(t, j) {
                    let between = lastNoun(t[(i + 1)..<j])
                    if verb.gerund { return VerbObject(verb: verb.lemma, object: whNoun ?? directObject(t, from: j + 1)) }
                    return VerbObject(verb: verb.lemma, object: between ?? whNoun ?? subject ?? directObject(t, from: j + 1))
                }
                j += 1
            }
            return VerbObject(verb: "be", object: whNoun ?? directObject(t, from: i + 1, acrossCommas: true) ?? subject)
        }
        if isAuxiliary(word) {
            var j = i + 1
            var be: Int?
            while j < t.count, t[j] != "," {
                let candidate = t[j]
                let sawBe = be != nil
                if VerbLexicon.copula.contains(candidate) {
                    be = be ?? j
                } else if !isAuxiliary(candidate) || isMainHave(t, j), isVerbCandidate(t, j), let verb = lexicon.verb(candidate) {
                    let between = t[(i + 1)..<j]
                    let hasSubject = between.contains { lexicon.pronouns.contains($0) || isNoun($0) }
                    if sawBe && verb.forms.contains(.past) {
                        return VerbObject(verb: verb.lemma, object: lastNoun(between) ?? whNoun ?? directObject(t, from: j + 1))
                    }
                    let object = hasSubject ? (whNoun ?? directObject(t, from: j + 1)) : directObject(t, from: j + 1)
                    return VerbObject(verb: verb.lemma, object: object)
                }
                j += 1
            }
            if let be { return VerbObject(verb: "be", object: whNoun ?? directObject(t, from: be + 1, acrossCommas: true)) }
            // A verb the lexicon lacks: after "do"/a modal and its subject, the first word that follows a noun
            // ("do the circles outnumber the squares").
            if let k = unlistedVerb(t, after: i) {
                let object = whNoun ?? directObject(t, from: k + 1)
                return VerbObject(verb: t[k], object: object)
            }
            if let base = lexicon.verb(word)?.lemma, base == "have" || base == "do" {
                return VerbObject(verb: base, object: whNoun ?? directObject(t, from: i + 1))
            }
            return nil
        }
        guard let verb = lexicon.verb(word) else { return nil }
        return VerbObject(verb: verb.lemma, object: directObject(t, from: i + 1))
    }

    /// Whether "have" at `j` is the main verb ("which shape does the star have") rather than the auxiliary of a
    /// perfect ("has the square moved").
    private func isMainHave(_ t: [String], _ j: Int) -> Bool {
        guard ["have", "has", "had"].contains(t[j]) else { return false }
        var k = j + 1
        while k < t.count, lexicon.adverbs.contains(t[k]) { k += 1 }
        guard k < t.count, let next = lexicon.verb(t[k]) else { return true }
        return !next.forms.contains(.past)
    }

    /// The first word after the auxiliary at `i` that follows a noun and could itself be one: a verb missing
    /// from the lexicon, in its base form (it follows "do" or a modal).
    private func unlistedVerb(_ t: [String], after i: Int) -> Int? {
        var k = i + 2
        while k < t.count, t[k] != "," {
            if isNoun(t[k - 1]) || lexicon.pronouns.contains(t[k - 1]), isNoun(t[k]) { return k }
            k += 1
        }
        return nil
    }

    // MARK: Words

    private func isAuxiliary(_ word: String) -> Bool { lexicon.auxiliaries.contains(word) }

    /// A noun: a word with a letter that is neither a function word nor an adjective.
    private func isNoun(_ word: String) -> Bool {
        word != "," && word.contains(where: \.isLetter) && !word.contains(where: \.isNumber)
            && !lexicon.isFunctionWord(word) && !lexicon.adjectives.contains(word)
    }

    /// Whether the word at `i` can be a verb here: a lexicon verb that does not follow a determiner, adjective,
    /// number, preposition or wh-word (after those it is read as a noun: "the count", "which shape").
    private func isVerbCandidate(_ t: [String], _ i: Int) -> Bool {
        guard lexicon.verb(t[i]) != nil, !VerbLexicon.copula.contains(t[i]) else { return false }
        guard i > 0 else { return true }
        let previous = t[i - 1]
        // "does the star first appear": an adverb before the verb is no determiner.
        if lexicon.adverbs.contains(previous) { return true }
        // "does image 1 contain": a number after a noun is the noun's label.
        if previous.allSatisfy(\.isNumber), i > 1, isNoun(t[i - 2]) { return true }
        return !(lexicon.determiners.contains(previous) || lexicon.adjectives.contains(previous)
            || lexicon.numbers.contains(previous) || previous.allSatisfy(\.isNumber)
            || lexicon.prepositions.contains(previous) || lexicon.whWords.contains(previous))
    }

    /// A participle or "-ing" form at `j` that makes a copula passive or progressive.
    private func participle(_ t: [String], _ j: Int) -> (lemma: String, gerund: Bool)? {
        let word = t[j]
        guard !lexicon.adjectives.contains(word), !VerbLexicon.copula.contains(word), isVerbCandidate(t, j),
            let verb = lexicon.verb(word)
        else { return nil }
        if verb.forms.contains(.gerund) { return (verb.lemma, true) }
        if verb.forms.contains(.past) { return (verb.lemma, false) }
        return nil
    }

    /// A word ending in "-ing"/"-ed" that is a form of a listed verb: a modifier when a noun follows it.
    private func isParticipleLike(_ word: String) -> Bool {
        (word.hasSuffix("ing") || word.hasSuffix("ed"))
            && !(lexicon.verb(word)?.forms.isDisjoint(with: [.gerund, .past]) ?? true)
    }

    /// The head noun (singular) of the noun phrase that starts at `start`, if one does.
    private func directObject(_ t: [String], from start: Int, acrossCommas: Bool = false) -> String? {
        var run: [String] = []
        var i = start
        while i < t.count {
            let word = t[i]
            if run.isEmpty {
                if word == "," {
                    if acrossCommas {
                        i += 1
                        continue
                    }
                    return nil
                }
                if lexicon.prepositions.contains(word) {
                    // "each of the images", "one of them": the quantifier's noun follows.
                    if word == "of", i > start, isQuantifier(t[i - 1]) {
                        i += 1
                        continue
                    }
                    return nil
                }
                if isAuxiliary(word) || VerbLexicon.copula.contains(word) || lexicon.conjunctions.contains(word) {
                    return nil
                }
                if lexicon.whWords.contains(word) {
                    // "has which shape" goes on to the noun; "describe what happens" has a clause, not a noun, after it.
                    guard i + 1 < t.count, isNoun(t[i + 1]), lexicon.verb(t[i + 1])?.forms.contains(.base) ?? true else { return nil }
                    i += 1
                    continue
                }
                if lexicon.determiners.contains(word) || lexicon.numbers.contains(word) || lexicon.adverbs.contains(word)
                    || lexicon.adjectives.contains(word) || !word.contains(where: \.isLetter)
                    || word.contains(where: \.isNumber) || word == "there"
                {
                    i += 1
                    continue
                }
                if lexicon.pronouns.contains(word) { return nil }
                if isParticipleLike(word), i + 1 < t.count, isNoun(t[i + 1]) || lexicon.adjectives.contains(t[i + 1]) {
                    i += 1
                    continue
                }
                guard isNoun(word) else { return nil }
                run.append(word)
            } else {
                guard isNoun(word), run.count < 3 else { break }
                // A verb form ends the phrase ("the square moves"), and so does a base form after a plural ("the
                // circles disappear"); otherwise a base form may be a noun ("stop sign").
                if let verb = lexicon.verb(word), !verb.forms.contains(.base) || run.last?.hasSuffix("s") == true { break }
                run.append(word)
            }
            i += 1
        }
        return run.last.map(lexicon.singular)
    }

    private func isQuantifier(_ word: String) -> Bool {
        lexicon.determiners.contains(word) || lexicon.numbers.contains(word) || word == "one" || word == "none"
    }

    /// The last noun of a stretch of words (a clause's subject), singular.
    private func lastNoun(_ words: ArraySlice<String>) -> String? {
        words.last(where: { isNoun($0) && !lexicon.pronouns.contains($0) }).map(lexicon.singular)
    }
}
