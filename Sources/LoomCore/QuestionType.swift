/// The kinds of instruction Loom produces (MMInstruct's four types, its multi-round conversations, and captions).
public enum QuestionType: String, Codable, Sendable, CaseIterable, Hashable {
    case judgement
    case multipleChoice = "multiple_choice"
    case shortVQA = "short_vqa"
    case longVQA = "long_vqa"
    case multiRound = "multi_round"
    case caption
}

/// Mantis' four multi-image skills.
public enum Skill: String, Codable, Sendable, CaseIterable, Hashable {
    case coreference, comparison, reasoning, temporal
}

/// A task domain (MMInstruct's taxonomy). Open-ended: recipes and template files may name new ones.
public struct Domain: RawRepresentable, Codable, Sendable, Hashable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: Domain, rhs: Domain) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The 24 domains of MMInstruct (23 single-turn domains and multi-round long VQA).
    public static let mmInstruct: [Domain] = [
        "image_style", "image_scene", "image_quality", "image_comparison", "object_localization",
        "object_relation", "attribute_recognition", "image_description", "ocr", "posters", "artwork",
        "landmark", "spatial_relationship", "brand_recognition", "species_recognition",
        "numerical_calculation", "image_emotion", "commonsense_reasoning", "complex_reasoning",
        "social_relation", "future_prediction", "meme_comprehension", "writing", "multi_round",
    ]
}
