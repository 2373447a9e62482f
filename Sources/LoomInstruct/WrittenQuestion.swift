/// One question a model wrote, checked against its type's rules.
public struct WrittenQuestion: Sendable, Hashable {
    public var question: String
    /// Four distinct options, correct one at `answerKey`'s letter (multiple choice only).
    public var options: [String]?
    /// "A"…"D" for multiple choice, "yes"/"no" for judgement.
    public var answerKey: String?
    /// The answer as the record's assistant turn says it.
    public var answer: String

    public init(question: String, options: [String]? = nil, answerKey: String? = nil, answer: String) {
        self.question = question
        self.options = options
        self.answerKey = answerKey
        self.answer = answer
    }
}
