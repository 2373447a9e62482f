/// A record shown as an example: its text (shortened) and the run-relative paths of its media.
public struct SampleRecord: Sendable, Hashable, Codable {
    public var id: String
    public var type: String
    public var domain: String
    public var skill: String?
    public var sampleKind: String?
    public var language: String
    /// Run-relative media paths, in placeholder order.
    public var images: [String]
    /// The instruction (see `RecordText`) and the first answer, each at most `textLimit` characters.
    public var instruction: String
    public var answer: String
    /// Turns in the conversation.
    public var turns: Int

    /// The most characters kept of an instruction or answer.
    public static let textLimit = 800

    /// `text` cut to `textLimit` characters, with an ellipsis when cut.
    static func shortened(_ text: String) -> String {
        text.count <= textLimit ? text : String(text.prefix(textLimit - 1)) + "\u{2026}"
    }
}
