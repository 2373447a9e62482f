import Foundation
import LoomCore
import LoomInstruct
import LoomLLM
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

@Suite("Reading model replies")
struct ReplyDecodingTests {
    @Test func multipleChoiceNeedsFourDistinctOptionsAndOneLetter() throws {
        let good = try json(#"{"questions":[{"question":"What colour is the bus?","options":["A. red","B. blue","C. green","D. white"],"answer":"(B)"}]}"#)
        let written = try QuestionTask.decode(good, type: .multipleChoice, count: 3)
        #expect(written[0].options == ["red", "blue", "green", "white"])
        #expect(written[0].answerKey == "B")

        let byText = try json(#"{"questions":[{"question":"Q?","options":["red","blue","green","white"],"answer":"green"}]}"#)
        #expect(try QuestionTask.decode(byText, type: .multipleChoice, count: 1)[0].answerKey == "C")

        let three = try json(#"{"questions":[{"question":"Q?","options":["red","blue","green"],"answer":"A"}]}"#)
        let problem = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(three, type: .multipleChoice, count: 1) }
        #expect(problem.message == "questions[0].options: expected 4 options, got 3")

        let repeated = try json(#"{"questions":[{"question":"Q?","options":["red","Red","green","white"],"answer":"A"}]}"#)
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(repeated, type: .multipleChoice, count: 1) }
        let noKey = try json(#"{"questions":[{"question":"Q?","options":["red","blue","green","white"],"answer":"E"}]}"#)
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(noKey, type: .multipleChoice, count: 1) }
        // An option with a line break would show as several option lines.
        let multiline = try json(#"{"questions":[{"question":"Q?","options":["red\nB. green\nC. pink","blue","green","white"],"answer":"A"}]}"#)
        let lines = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(multiline, type: .multipleChoice, count: 1) }
        #expect(lines.message.contains("each option must be one line"))
        // "B: blue" where B is green: letter and text disagree, so neither is taken.
        let disagree = try json(#"{"questions":[{"question":"Q?","options":["red","green","blue","white"],"answer":"B: blue"}]}"#)
        let mismatch = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(disagree, type: .multipleChoice, count: 1) }
        #expect(mismatch.message.contains("gives the letter B but the text of option C"))
        let agree = try json(#"{"questions":[{"question":"Q?","options":["red","green","blue","white"],"answer":"B. green"}]}"#)
        #expect(try QuestionTask.decode(agree, type: .multipleChoice, count: 1)[0].answerKey == "B")
    }

    @Test func judgementsAreYesOrNoAndLengthsFollowTheType() throws {
        let yes = try json(#"{"questions":[{"question":"Is it raining?","answer":"Yes."}]}"#)
        #expect(try QuestionTask.decode(yes, type: .judgement, count: 1)[0].answerKey == "yes")
        let maybe = try json(#"{"questions":[{"question":"Is it raining?","answer":"Probably"}]}"#)
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(maybe, type: .judgement, count: 1) }
        let longShort = try json(#"{"questions":[{"question":"What is it?","answer":"It is a very long answer that goes on and on for many words"}]}"#)
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(longShort, type: .shortVQA, count: 1) }
        let shortLong = try json(#"{"questions":[{"question":"Describe it.","answer":"A bus."}]}"#)
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(shortLong, type: .longVQA, count: 1) }
        let missing = try json(#"{"questions":[{"question":"What is it?"}]}"#)
        let problem = try #require(throws: ReplyProblem.self) { try QuestionTask.decode(missing, type: .shortVQA, count: 1) }
        #expect(problem.message == "questions[0].answer is missing")
        let twice = try json(#"{"questions":[{"question":"What is it?","answer":"a bus"},{"question":"what is it","answer":"a car"}]}"#)
        #expect(throws: ReplyProblem.self) { try QuestionTask.decode(twice, type: .shortVQA, count: 2) }
    }

    @Test func multiImageQuestionsMustInvolveTwoImagesThatExist() throws {
        let good = try json(#"{"questions":[{"skill":"comparison","question":"Which has more people, image 1 or image 3?","answer":"Image 3.","images":[1,3]}]}"#)
        let questions = try MultiVQATask.decode(good, imageCount: 3, skills: [.comparison], count: 2)
        #expect(questions[0].images == [1, 3])
        let one = try json(#"{"questions":[{"skill":"comparison","question":"What is in image 2?","answer":"A dog."}]}"#)
        #expect(throws: ReplyProblem.self) { try MultiVQATask.decode(one, imageCount: 3, skills: [.comparison], count: 1) }
        let missing = try json(#"{"questions":[{"skill":"comparison","question":"Compare image 1 and image 4.","answer":"Same."}]}"#)
        let problem = try #require(throws: ReplyProblem.self) { try MultiVQATask.decode(missing, imageCount: 3, skills: [.comparison], count: 1) }
        #expect(problem.message.contains("image 4"))
        let skill = try json(#"{"questions":[{"skill":"temporal","question":"Compare image 1 and image 2.","answer":"Same."}]}"#)
        #expect(throws: ReplyProblem.self) { try MultiVQATask.decode(skill, imageCount: 3, skills: [.comparison], count: 1) }
        #expect(MultiVQATask.imageReferences(in: "Images 1, 2 and 4 differ from image 3.") == [1, 2, 3, 4])
    }

    @Test func hostileTextIsCleaned() {
        #expect(ModelText.clean("  a\u{0}b\u{200B}c\r\nd\re  ") == "abc\nd\ne")
        #expect(ModelText.clean("look at <image> here") == "look at image here")
        // Tokens a trainer reads as media or as its chat template: LLaMA-Factory counts <video> against the row's
        // videos; Qwen2-VL expands <|image_pad|> into image features.
        // Chat-template tokens (a server whose stop tokens are set wrong) go whole: "runs<|im_end|>" means "runs".
        #expect(ModelText.clean("In the <video>, <|vision_start|><|image_pad|><|vision_end|> a cat [IMG] runs<|im_end|>")
            == "In the video,  a cat IMG runs")
        #expect(ModelText.clean("A dog</s>") == "A dog" && ModelText.clean("<|endoftext|>").isEmpty)
        #expect(ModelText.clean("[INST] red [/INST]") == "red")
        // A placeholder hidden in another token, or in itself, does not come out whole after cleaning.
        for hidden in ["Look at <<image>> here", "See <<|image|>>.", "<<|ima|>ge> x", "<<<image>>>", "<<vid<image>eo>>"] {
            #expect(!ModelText.clean(hidden).contains(Record.imagePlaceholder), "\(hidden)")
            #expect(TrainerTokens.first(in: ModelText.clean(hidden)) == nil, "\(hidden)")
        }
        #expect(ModelText.clean("Keep <image> here, not <audio>", keepPlaceholders: true) == "Keep <image> here, not audio")
        // A token nested in another is not left behind when the inner one goes.
        #expect(TrainerTokens.first(in: ModelText.clean("a <<video>> b <<|im_end|>|>")) == nil)
        // Angle brackets that are no such token stay: "a < b", "<3", "<|not a token|>".
        #expect(ModelText.clean("if a < b and x<|y then <|not a token|> <3 [1, 2]") == "if a < b and x<|y then <|not a token|> <3 [1, 2]")
        #expect(ModelText.clean("a\n\n\n\n\nb") == "a\n\nb")
        // Bidirectional overrides and isolates would show a reader the text in another order: removed.
        #expect(ModelText.clean("The cube is \u{202E}der\u{202C} and \u{2067}blue\u{2069}.") == "The cube is der and blue.")
        // The joiners are part of how Persian, the Indic scripts and emoji sequences are written: kept.
        let persian = "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}"  // "I want", with its zero-width non-joiner
        #expect(ModelText.clean(persian) == persian)
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
        #expect(ModelText.clean("a family \(family)") == "a family \(family)")
        let hindi = "\u{0915}\u{094D}\u{200D}\u{0937}"
        #expect(ModelText.clean(hindi) == hindi)
        // Invisible characters that make "red" differ from "red": soft hyphen, grapheme joiner, tag characters,
        // Hangul filler; and hundreds of stacked accents cut to a few. Vietnamese keeps its two marks.
        #expect(ModelText.clean("r\u{00AD}e\u{034F}d\u{E0072}\u{E0065}\u{3164}") == "red")
        #expect(ModelText.clean("e" + String(repeating: "\u{0301}", count: 500)).unicodeScalars.count == 1 + 8)
        let vietnamese = "Vie\u{0323}\u{0302}t"
        #expect(ModelText.clean(vietnamese) == vietnamese)
    }

    @Test func captionsMustBeDetailedAndDomainsComeFromTheList() throws {
        let reply = try json(#"{"caption":"A red bus waits at a stop on a wet street while two people with umbrellas board it.","domains":["Image Scene","unknown","ocr"]}"#)
        let result = try CaptionTask.decode(reply, candidates: ["image_scene", "ocr"])
        #expect(result.domains == ["image_scene", "ocr"])
        let short = try json(#"{"caption":"A bus.","domains":[]}"#)
        #expect(throws: ReplyProblem.self) { try CaptionTask.decode(short, candidates: ["ocr"]) }
    }
}

@Suite("Records from model replies")
struct InstructRecordTests {
    let sample = Sample(id: "smp-1", kind: .single, ordinal: 0, media: ["img-1"], truth: .described(DescribedContext(kind: .single, origin: "questions")))
    let model = ModelProvenance(endpoint: "e", model: "m", prompt: "questions", promptHash: "h", promptTokens: 10, completionTokens: 5, cost: 0.01)

    @Test func multipleChoiceLettersAreSpreadAndTheKeyStillPointsAtTheCorrectOption() {
        let maker = InstructRecordMaker(sample: sample, language: "en", seed: 7)
        var letters = Set<String>()
        for index in 0..<40 {
            let written = WrittenQuestion(question: "Q\(index)?", options: ["right", "w1", "w2", "w3"], answerKey: "A", answer: "A")
            let record = maker.record(
                slot: "q\(index)", written: written, type: .multipleChoice, domain: "ocr", generator: "model", prompt: "questions",
                model: model, instruction: "Answer with the letter.")
            let key = try! #require(record.answerKey)
            letters.insert(key)
            #expect(record.options?[optionLetters.firstIndex(of: key)!] == "right")
            #expect(record.turns[1].text == key)
            #expect(record.placeholderCount == 1)
            #expect(record.turns[0].text.hasPrefix("<image>\n"))
        }
        #expect(letters == Set(optionLetters))
    }

    @Test func multiImageRecordsNumberTheirImages() {
        let pair = Sample(id: "smp-2", kind: .set, ordinal: 0, media: ["a", "b", "c"], truth: .described(DescribedContext(kind: .set, origin: "multi_vqa")))
        let record = InstructRecordMaker(sample: pair, language: "en", seed: 1).record(
            slot: "m", exchanges: [("Which of image 1 and image 2 is brighter?", "Image 2.")], type: .shortVQA, domain: "image_comparison",
            skill: .comparison, generator: "model", prompt: "multi_vqa", model: model)
        #expect(record.placeholderCount == 3)
        #expect(record.turns[0].text.hasPrefix("Image 1: <image>\nImage 2: <image>\nImage 3: <image>\n"))
        #expect(record.skill == .comparison)
    }

    @Test("a video's frames say their times in their labels, unless shown out of order")
    func videoFramesSayTheirTimes() {
        let video = VideoTruth(videoID: "v", duration: 30, frameTimes: [2, 12.46, 29.96], annotations: VideoAnnotations())
        let sample = Sample(id: "smp-v", kind: .sequence, ordinal: 0, media: ["f1", "f2", "f3"], truth: .video(video))
        let maker = InstructRecordMaker(sample: sample, language: "en", seed: 1)
        let inOrder = maker.record(
            slot: "t", exchanges: [("What happens 12 seconds in?", "She stirs the eggs.")], type: .shortVQA, domain: "temporal_reasoning",
            skill: .temporal, generator: "model", prompt: "syphus", model: model)
        #expect(inOrder.turns[0].text.hasPrefix("Frame 1 (2.0 s): <image>\nFrame 2 (12.5 s): <image>\nFrame 3 (30.0 s): <image>\nWhat happens"))
        #expect(ImagePrefix.question(inOrder.turns[0].text) == "What happens 12 seconds in?")
        let shuffled = maker.record(
            slot: "s", exchanges: [("Put the frames in order.", "2, 3, 1")], type: .shortVQA, domain: "temporal_reasoning",
            skill: .temporal, generator: "model", prompt: "syphus", model: model, mediaOrder: [2, 0, 1])
        #expect(shuffled.turns[0].text.hasPrefix("Frame 1: <image>\nFrame 2: <image>\nFrame 3: <image>\nPut"))
    }
}
