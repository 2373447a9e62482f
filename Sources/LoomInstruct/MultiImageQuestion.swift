import LoomCore

/// A question over several images (Mantis' Multi-VQA), with the images it involves (1-based).
public struct MultiImageQuestion: Sendable, Hashable {
    public var skill: Skill
    public var question: String
    public var answer: String
    public var images: [Int]
}
