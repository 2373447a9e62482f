import Foundation
import LoomCore
import LoomInstruct
import LoomLLM
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

private func question(_ question: String, options: [String], answer: String) throws -> JSONValue {
    let item: [String: Any] = ["question": question, "options": options, "answer": answer]
    return try JSONValue.parse(Array(try JSONSerialization.data(withJSONObject: ["questions": [item]])))
}

/// Replies that small or careless models write, each of which once became bad training data or a needless failure.
@Suite("Sloppy and hostile model replies")
struct HostileReplyTests {
    @Test("a question that lists its own lettered options is sent back: Loom's letters would contradict them")
    func aQuestionListingItsOwnOptionsIsRefused() throws {
        for text in ["What colour is the bus? A) red B) blue C) green D) yellow", "What colour is the bus?\n(A) red\n(B) blue", "Which? A. red B. blue",
                     "What colour is the bus? 1) red 2) blue 3) green 4) yellow"] {
            let reply = try question(text, options: ["red", "blue", "green", "yellow"], answer: "A")
            let problem = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(reply, type: .multipleChoice, count: 1) }
            #expect(problem.message.contains("lists lettered options"))
        }
        // Letters that are part of the question are not a list of options: labels of panels or points, grades.
        for text in [
            "Which vitamin is in the juice, B or C?", "Is the grade on the sheet an A. or a B?", "What does plan B. say?",
            "Which panel, (A) or (B), shows the higher peak?", "What is the value at [A] minus [B]?",
        ] {
            let reply = try question(text, options: ["red", "blue", "green", "yellow"], answer: "A")
            #expect(try QuestionTask.decode(reply, type: .multipleChoice, count: 1).count == 1, "\(text)")
        }
    }

    @Test("options the model lettered in order lose their labels, whatever their form; out of order or mixed they are sent back")
    func optionLabels() throws {
        let forms = [
            ["A: red", "B: blue", "C: green", "D: white"], ["a) red", "b) blue", "c) green", "d) white"],
            ["1. red", "2. blue", "3. green", "4. white"], ["Option A: red", "Option B: blue", "Option C: green", "Option D: white"],
            ["Ａ、red", "Ｂ、blue", "Ｃ、green", "Ｄ、white"], ["[A] red", "[B] blue", "[C] green", "[D] white"],
            ["A：red", "B：blue", "C：green", "D：white"],
        ]
        for options in forms {
            let written = try QuestionTask.decode(try question("Which colour is the car?", options: options, answer: "B"), type: .multipleChoice, count: 1)
            #expect(written[0].options == ["red", "blue", "green", "white"], "\(options)")
            #expect(written[0].answerKey == "B")
        }
        // Labelled out of order: the answer's letter could name either option.
        let shuffled = try question("Which colour is the car?", options: ["B. red", "A. blue", "C. green", "D. white"], answer: "A")
        let problem = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(shuffled, type: .multipleChoice, count: 1) }
        #expect(problem.message.contains("without a letter"))
        let mixed = try question("Which colour is the car?", options: ["A. red", "B. blue", "C. green", "white"], answer: "A")
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(mixed, type: .multipleChoice, count: 1) }
        // Options that only look lettered are options: names with initials, clock times, ratios, decimals.
        for options in [
            ["D.C.", "C-3PO", "A dog", "B-52 bomber"], ["A. Lincoln", "G. Washington", "T. Jefferson", "J. Adams"],
            ["C. elegans", "D. melanogaster", "E. coli", "M. musculus"], ["1:15", "2:30", "3:45", "4:00"],
            ["1:30", "2:30", "3:30", "4:30"], ["4:3", "16:9", "1:1", "21:9"], ["3.5 m", "2.5 m", "1.5 m", "4.5 m"],
        ] {
            let reply = try question("Which one is it?", options: options, answer: "A")
            #expect(try QuestionTask.decode(reply, type: .multipleChoice, count: 1)[0].options == options, "\(options)")
        }
    }

    @Test func anOptionIsAPhraseNotAnEssay() throws {
        let long = try question("Which colour?", options: [String(repeating: "very ", count: 60) + "red", "blue", "green", "white"], answer: "A")
        let problem = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(long, type: .multipleChoice, count: 1) }
        #expect(problem.message.contains("options[0] is longer than 200"))
    }

    @Test("a number or a boolean where text is asked is read as its words, not sent back")
    func numbersAndBooleansAsAnswers() throws {
        let count = try json(#"{"questions":[{"question":"How many cars are there?","answer":3}]}"#)
        #expect(try QuestionTask.decode(count, type: .shortVQA, count: 1)[0].answer == "3")
        let judgement = try json(#"{"questions":[{"question":"Is the car red?","answer":true}]}"#)
        let written = try QuestionTask.decode(judgement, type: .judgement, count: 1)[0]
        #expect(written.answer == "Yes" && written.answerKey == "yes")
        let verdict = try VerifyTask.decode(try json(#"{"supported":"true","one_correct_option":null,"reason":"The caption says so."}"#))
        #expect(verdict.passes)
    }

    @Test("a judge that leaves the option check of a multiple-choice record null is asked again")
    func aVerdictMustCheckTheOptions() throws {
        let verdict = try json(#"{"supported":true,"one_correct_option":null,"reason":"Fine."}"#)
        #expect(throws: ReplyProblem.self) { try VerifyTask.decode(verdict, hasOptions: true) }
        #expect(try VerifyTask.decode(verdict, hasOptions: false).passes)
    }

    @Test("a caption that declines is sent back; a domain written as text, or with hyphens, is read")
    func captions() throws {
        let refusal = try json(#"{"caption":"I'm sorry, but I cannot help with describing this image of a person.","domains":[]}"#)
        let problem = try #require(throws: ReplyProblem.self) { try CaptionTask.decode(refusal, candidates: ["nature"]) }
        #expect(problem.message.contains("declines"))
        let single = try json(#"{"caption":"A wide river runs between two green hills under a clear blue sky.","domains":"object-recognition"}"#)
        #expect(try CaptionTask.decode(single, candidates: ["nature", "object_recognition"]).domains == ["object_recognition"])
    }

    @Test("Multi-VQA's images list is read where it is good and ignored where it is not")
    func multiImageListsDoNotRejectGoodQuestions() throws {
        let malformed = try json(#"{"questions":[{"skill":"comparison","question":"How does image 1 differ from image 2?","answer":"Image 2 has a dog.","images":["1","9"]}]}"#)
        #expect(try MultiVQATask.decode(malformed, imageCount: 3, skills: [.comparison], count: 1)[0].images == [1, 2])
        let listed = try json(#"{"questions":[{"skill":"comparison","question":"How does image 1 differ from image 2?","answer":"Image 2 has a dog.","images":[1,2,3,9]}]}"#)
        #expect(try MultiVQATask.decode(listed, imageCount: 3, skills: [.comparison], count: 1)[0].images == [1, 2, 3])
    }

    @Test("a plain-text refusal ends the item as declined after one call, not as invalid JSON after paid corrections")
    func plainRefusalsAreDeclined() async throws {
        let model = RecordingModel(text: "I’m sorry, but I can’t help with identifying people in images.")
        let request = ChatRequest(model: "m", messages: [.user("Describe.")])
        let outcome = try await StructuredChat(model: model).complete(request) { value throws(ReplyProblem) in value }
        guard case .failure(let error) = outcome.result else {
            Issue.record("a refusal was accepted")
            return
        }
        #expect(error.kind == .declined && error.message.contains("declined"))
        #expect(outcome.replies.count == 1)
        // A reply that apologizes and then gives its JSON is read as any other.
        let apology = RecordingModel(text: "I'm sorry for the delay. {\"caption\": \"A red car.\"}")
        let read = try await StructuredChat(model: apology).complete(request) { value throws(ReplyProblem) in value }
        guard case .failure(let other) = read.result, other.kind == .invalidReply else {
            Issue.record("an apology before JSON was taken as a refusal")
            return
        }
        #expect(!RefusalText.opensWithRefusal("Sure, here is the JSON"))
        #expect(!RefusalText.opensWithRefusal("As an AI-generated image, the scene shows a red car."))
        #expect(RefusalText.opensWithRefusal("Unfortunately, I am unable to see the image."))
        #expect(!RefusalText.opensWithRefusal("I cannotx"))
    }

    @Test func textAfterAClosedFenceIsNamedAsSuch() {
        do {
            _ = try StructuredChat.extractJSON(from: "```json\n{\"a\":1}\n```\nLet me know if you need more!")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("text after its closing"))
        }
    }
}

/// A model that always answers with the same text.
private final class RecordingModel: ChatModel {
    let text: String
    init(text: String) { self.text = text }
    var endpointName: String { "recording" }
    func complete(_ request: ChatRequest) async throws -> ChatReply {
        ChatReply(text: text, finishReason: "stop", usage: TokenUsage(prompt: 5, completion: 5))
    }
}
