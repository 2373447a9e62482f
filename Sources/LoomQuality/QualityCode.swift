/// The stable codes of the quality stage's flags. A code never changes once shipped; its reason text may.
/// Codes are grouped by what found the problem: `format.` (validators), `text.` (unsafe text), `grounding.`
/// (hallucination check), `duplicate.` (dedup), `balance.` (quotas). The checker's own codes are `check.*`.
public enum QualityCode {
    public static let placeholderCount = "format.placeholder_count"
    public static let placeholderInAnswer = "format.placeholder_in_answer"
    public static let optionCount = "format.option_count"
    public static let optionsNotDistinct = "format.options_not_distinct"
    public static let answerKey = "format.answer_key"
    public static let judgementAnswer = "format.judgement_answer"
    public static let answerRepeatsQuestion = "format.answer_repeats_question"
    public static let answerLeaksIntoQuestion = "format.answer_in_question"
    public static let tooShort = "format.too_short"
    public static let tooLong = "format.too_long"
    public static let emptyAnswer = "format.empty_answer"
    public static let boilerplate = "format.boilerplate"
    public static let language = "format.language"
    public static let singleImageReference = "format.single_image_reference"
    public static let missingImageReference = "format.missing_image_reference"

    public static let invalidUTF8 = "text.invalid_utf8"
    public static let controlCharacters = "text.control_characters"
    public static let oversized = "text.oversized"
    public static let trainerToken = "text.trainer_token"

    public static let unsupported = "grounding.unsupported"
    public static let underivableNumber = "grounding.number"

    public static let exactDuplicate = "duplicate.exact"
    public static let nearDuplicate = "duplicate.near"
    public static let sameQuestion = "duplicate.same_question"
    public static let nearDuplicateImage = "duplicate.image"

    public static let overQuota = "balance.over_quota"
    public static let yesNoBalance = "balance.yes_no"

    /// The prefixes of every code the quality stage writes; flags with other codes (the checker's, the judge's)
    /// are kept as they are when the stage runs again.
    public static let prefixes = ["format.", "text.", "grounding.", "duplicate.", "balance."]

    /// Whether the quality stage owns `code`.
    public static func isQualityCode(_ code: String) -> Bool {
        prefixes.contains { code.hasPrefix($0) }
    }
}
