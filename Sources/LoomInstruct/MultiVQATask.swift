import Foundation
import LoomCore
import LoomLLM

/// Mantis' Multi-VQA: the captions of 2–6 images, presented as "Image i: …", become questions that each
/// involve at least two of the images and name them as "image i".
public struct MultiVQATask: Sendable {
    public let prompt: SimplePrompt
    public let sampling: SamplingSettings

    public init(catalog: PromptCatalog, sampling: SamplingSettings) {
        prompt = catalog.multiVQA
        self.sampling = sampling
    }

    /// The request: the images in order (so a vision model sees them too) and their captions.
    public func request(model: String, images: [ChatImage], captions: [String], skills: [Skill], count: Int) -> ChatRequest {
        let listed = captions.enumerated().map { "Image \($0.offset + 1): \($0.element)" }.joined(separator: "\n")
        let instruction = PromptText.fill(prompt.instruction, [
            "captions": listed, "image_count": String(images.count), "count": String(count),
            "skills": skills.map(\.rawValue).joined(separator: ", "),
        ])
        var parts = images.map { ChatMessage.Part.image($0) }
        parts.append(.text(instruction))
        return ChatRequest(
            model: model, messages: [.system(prompt.system), ChatMessage(role: .user, parts: parts)],
            temperature: sampling.temperature, maxTokens: sampling.maxTokens,
            schema: ResponseSchema(name: "multi_vqa", json: prompt.schema))
    }

    /// Reads the reply: each question names an allowed skill, involves at least two existing images, and its
    /// text refers to at least two of them as "image i"; no reference to an image that does not exist.
    public static func decode(
        _ value: JSONValue, imageCount: Int, skills: [Skill], count: Int
    ) throws(ReplyProblem) -> [MultiImageQuestion] {
        let items = try ReplyFields(value).objects("questions")
        if items.isEmpty { throw ReplyProblem("questions is empty: write \(count) questions") }
        var result: [MultiImageQuestion] = []
        var seen = Set<String>()
        for item in items.prefix(count) {
            let skillName = try item.text("skill", maxLength: 40).lowercased()
            guard let skill = Skill(rawValue: skillName), skills.contains(skill) else {
                throw ReplyProblem("\(item.name("skill")) must be one of \(skills.map(\.rawValue).joined(separator: ", ")), not \"\(skillName.prefix(30))\"")
            }
            let question = try item.text("question", maxLength: 1500)
            if !seen.insert(ModelText.comparisonKey(question)).inserted {
                throw ReplyProblem("\(item.path).question repeats an earlier question")
            }
            let answer = try item.text("answer")
            let mentioned = imageReferences(in: question)
            if let missing = mentioned.first(where: { $0 < 1 || $0 > imageCount }) {
                throw ReplyProblem("\(item.name("question")) refers to image \(missing), but there are only \(imageCount) images")
            }
            if let wrong = imageReferences(in: answer).first(where: { $0 < 1 || $0 > imageCount }) {
                throw ReplyProblem("\(item.name("answer")) refers to image \(wrong), but there are only \(imageCount) images")
            }
            guard mentioned.count >= 2 else {
                throw ReplyProblem("\(item.name("question")) must involve at least two images and name them as \"image 1\", \"image 2\", …")
            }
            // The question's own references decide; the reply's `images` list only adds images it names that
            // exist (a malformed list is no reason to pay for a correction of a good question).
            let listed = ((try? item.integers("images")) ?? nil)?.filter { (1...imageCount).contains($0) } ?? []
            result.append(MultiImageQuestion(skill: skill, question: question, answer: answer, images: Array(Set(listed).union(mentioned)).sorted()))
        }
        return result
    }

    /// The numbers of "image 3", "Image 3", "images 1 and 2", "images 2, 3 and 4" in a text.
    public static func imageReferences(in text: String) -> Set<Int> {
        var numbers = Set<Int>()
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        var index = 0
        while index < words.count {
            if words[index] == "image" || words[index] == "images" {
                var next = index + 1
                while next < words.count {
                    if let number = Int(words[next]) {
                        numbers.insert(number)
                    } else if words[next] != "and" && words[next] != "or" {
                        break
                    }
                    next += 1
                }
                index = next
            } else {
                index += 1
            }
        }
        return numbers
    }
}
