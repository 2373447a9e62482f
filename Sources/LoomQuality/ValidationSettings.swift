import LoomCore

/// Bounds on an answer's length, in words.
public struct LengthBounds: Sendable, Hashable, Codable {
    public var minWords: Int?
    public var maxWords: Int?

    public init(minWords: Int? = nil, maxWords: Int? = nil) {
        self.minWords = minWords
        self.maxWords = maxWords
    }
}

/// What the validators accept.
public struct ValidationSettings: Sendable, Hashable, Codable {
    /// Per question type, the length of each answer. Types not listed are not length-checked.
    public var lengthBounds: [QuestionType: LengthBounds]
    /// A turn longer than this many UTF-8 bytes is flagged `text.oversized` and not read further.
    public var maxTurnBytes: Int

    public init(lengthBounds: [QuestionType: LengthBounds] = ValidationSettings.defaultLengthBounds, maxTurnBytes: Int = 32_768) {
        self.lengthBounds = lengthBounds
        self.maxTurnBytes = maxTurnBytes
    }

    /// The store's meta key under which the quality stage keeps the settings it validated with (JSON), so that the
    /// review app checks a reviewer's correction as the run checked the record.
    public static let metaKey = "validation_settings"

    /// The provenance generator of records converted from existing datasets, whose option counts the datasets decide.
    public static let convertedGenerator = "converter"
    /// The generator name of records `loom import` read from a training file: Loom holds no evidence for them.
    public static let importedGenerator = "import"
    /// The `generator` of records the translate stage made from another record.
    public static let translationGenerator = "translation"

    /// MMInstruct's split: short VQA is a word or a phrase, long VQA a paragraph; judgement and multiple choice
    /// answers are a word, perhaps with a sentence of reason.
    public static let defaultLengthBounds: [QuestionType: LengthBounds] = [
        .judgement: LengthBounds(minWords: 1, maxWords: 40),
        .multipleChoice: LengthBounds(minWords: 1, maxWords: 40),
        .shortVQA: LengthBounds(minWords: 1, maxWords: 25),
        .longVQA: LengthBounds(minWords: 20, maxWords: 800),
        .multiRound: LengthBounds(minWords: 1, maxWords: 400),
        .caption: LengthBounds(minWords: 8, maxWords: 800),
    ]
}
