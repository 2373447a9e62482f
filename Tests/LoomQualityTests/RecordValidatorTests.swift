import LoomCore
import Testing
@testable import LoomQuality

@Suite struct RecordValidatorTests {
    let validator = RecordValidator()

    func codes(_ record: Record) -> [String] { validator.flags(for: record).map(\.code) }

    @Test func aGoodShortAnswerHasNoFlags() {
        #expect(codes(RecordFactory.record(question: "What colour is the large cube?", answer: "Red")) == [])
    }

    @Test func placeholderCountMustMatchTheMedia() {
        var record = RecordFactory.record(question: "What colour is the cube?", answer: "Red")
        record.media.append("extra")
        record.turns[0].text = "Image 1: <image>\nImage 2: <image>\n<image>\nWhich image shows the cube?"
        #expect(codes(record).contains(QualityCode.placeholderCount))
        record.turns[0].text = "Image 1: <image>\nImage 2: <image>\nWhich image shows the cube?"
        #expect(!codes(record).contains(QualityCode.placeholderCount))
    }

    @Test func multipleChoiceNeedsFourDistinctOptionsAndAMatchingLetter() {
        let good = RecordFactory.record(
            question: "Which shape is red?", answer: "B", type: .multipleChoice, options: ["Cube", "Sphere", "Cone", "Star"], answerKey: "B")
        #expect(codes(good) == [])
        var three = good
        three.options = ["Cube", "Sphere", "Cone"]
        #expect(codes(three).contains(QualityCode.optionCount))
        let repeated = RecordFactory.record(
            question: "Which shape is red?", answer: "B", type: .multipleChoice, options: ["Cube", "cube", "Cone", "Star"], answerKey: "B")
        #expect(codes(repeated).contains(QualityCode.optionsNotDistinct))
        let wrongLetter = RecordFactory.record(
            question: "Which shape is red?", answer: "C", type: .multipleChoice, options: ["Cube", "Sphere", "Cone", "Star"], answerKey: "B")
        #expect(codes(wrongLetter).contains(QualityCode.answerKey))
        let noKey = RecordFactory.record(
            question: "Which shape is red?", answer: "B", type: .multipleChoice, options: ["Cube", "Sphere", "Cone", "Star"], answerKey: nil)
        #expect(codes(noKey).contains(QualityCode.answerKey))
        let wordy = RecordFactory.record(
            question: "Which shape is red?", answer: "The answer is B.", type: .multipleChoice, options: ["Cube", "Sphere", "Cone", "Star"], answerKey: "B")
        #expect(codes(wordy) == [])
    }

    @Test("answers that refuse, say nothing, or talk about the description the question came from are flagged")
    func nonAnswers() {
        for answer in ["Unknown", "N/A.", "Not specified", "Cannot be determined", "I apologize, but I can't tell from the image.",
                       "Based on the description provided, the car is red.", "The caption provided does not say how many people there are."] {
            #expect(codes(RecordFactory.record(question: "What colour is the car?", answer: answer)).contains(QualityCode.boilerplate), "\(answer)")
        }
        #expect(codes(RecordFactory.record(question: "How many dogs are on the sofa?", answer: "None")) == [])
        #expect(codes(RecordFactory.record(question: "What is written on the sign?", answer: "Unknown Pleasures")) == [])
        // Hedged reasoning, a chart's visible caption, a chemical symbol, a form field that reads "N/A": answers.
        #expect(codes(RecordFactory.record(question: "How old is the dog?", answer: "Its exact age cannot be determined, but it looks young.")) == [])
        #expect(codes(RecordFactory.record(question: "What does the chart show?", answer: "According to the caption under the chart, sales rose.")) == [])
        #expect(codes(RecordFactory.record(question: "Which element is shown in the first cell?", answer: "Na")) == [])
        var field = RecordFactory.record(question: "What is written in the fax field?", answer: "N/A")
        field.domain = "ocr"
        #expect(codes(field) == [])
    }

    @Test("relettering moves Loom's option lines, not a copy of them the question holds")
    func reletteringFindsTheLastOptionBlock() throws {
        let options = ["Cube", "Sphere", "Cone", "Star"]
        var record = RecordFactory.record(question: "Which shape is red?", answer: "B", type: .multipleChoice, options: options, answerKey: "B")
        let block = "A. Cube\nB. Sphere\nC. Cone\nD. Star"
        record.turns[0].text = "<image>\nWhich shape is red?\n" + block + "\n(as listed)\n" + block
        let moved = try #require(LetterBalancer.relettered(record, target: 0))
        #expect(moved.turns[0].text.hasPrefix("<image>\nWhich shape is red?\n" + block + "\n(as listed)\nA. Sphere"))
        #expect(moved.answerKey == "A" && moved.turns[1].text == "A")
    }

    @Test func judgementAnswersAreYesOrNoAndAgreeWithTheKey() {
        #expect(codes(RecordFactory.record(question: "Is the cube red?", answer: "Yes, it is.", type: .judgement, answerKey: "yes")) == [])
        #expect(codes(RecordFactory.record(question: "Is the cube red?", answer: "Red.", type: .judgement)).contains(QualityCode.judgementAnswer))
        #expect(codes(RecordFactory.record(question: "Is the cube red?", answer: "No.", type: .judgement, answerKey: "yes")).contains(QualityCode.judgementAnswer))
        #expect(codes(RecordFactory.record(question: "立方体是红色的吗？", answer: "是的", type: .judgement, language: "zh")).isEmpty)
    }

    @Test func answersMayNotRepeatTheQuestionOrBeGivenAwayByIt() {
        let repeated = RecordFactory.record(question: "What is the man on the left holding?", answer: "What is the man on the left holding?")
        #expect(codes(repeated).contains(QualityCode.answerRepeatsQuestion))
        let leaked = RecordFactory.record(
            question: "The man holds a red umbrella. What does the man hold?", answer: "a red umbrella")
        #expect(codes(leaked).contains(QualityCode.answerLeaksIntoQuestion))
        let choice = RecordFactory.record(question: "Is the dog on the sofa or on the floor?", answer: "on the floor")
        #expect(!codes(choice).contains(QualityCode.answerLeaksIntoQuestion))
    }

    @Test func lengthBoundsDependOnTheType() {
        let longShort = RecordFactory.record(
            question: "What colour is the cube?", answer: String(repeating: "the cube is a deep shade of red ", count: 5))
        #expect(codes(longShort).contains(QualityCode.tooLong))
        let shortLong = RecordFactory.record(question: "Describe the scene in detail.", answer: "A red cube.", type: .longVQA)
        #expect(codes(shortLong).contains(QualityCode.tooShort))
    }

    @Test func emptyAndBoilerplateAnswersAreFlagged() {
        #expect(codes(RecordFactory.record(question: "What colour is the cube?", answer: "  ")).contains(QualityCode.emptyAnswer))
        let refusal = RecordFactory.record(question: "What colour is the cube?", answer: "I'm sorry, but I cannot see the image.")
        #expect(codes(refusal).contains(QualityCode.boilerplate))
        let model = RecordFactory.record(question: "Describe it.", answer: "As an AI language model, I can only guess the colours here.", type: .longVQA)
        #expect(codes(model).contains(QualityCode.boilerplate))
    }

    @Test func theLanguageMustBeTheRecordsLanguage() {
        let spanish = RecordFactory.record(question: "¿De qué color es el cubo que está en la mesa?", answer: "El cubo es rojo y está a la izquierda")
        #expect(codes(spanish).contains(QualityCode.language))
        var marked = spanish
        marked.language = "es"
        #expect(!codes(marked).contains(QualityCode.language))
        let chinese = RecordFactory.record(question: "图片中的立方体是什么颜色？", answer: "红色")
        #expect(codes(chinese).contains(QualityCode.language))
        let quoting = RecordFactory.record(question: "What does the sign say?", answer: "The sign says 欢迎光临北京饭店.")
        #expect(!codes(quoting).contains(QualityCode.language))
    }

    @Test func multiImageQuestionsMustSayWhichImages() {
        let vague = RecordFactory.record(question: "What colour is the cube?", answer: "Red", images: 3)
        #expect(codes(vague).contains(QualityCode.singleImageReference))
        let specific = RecordFactory.record(question: "What colour is the cube in image 2?", answer: "Red", images: 3, skill: .coreference)
        #expect(codes(specific) == [])
        let comparison = RecordFactory.record(question: "Is the cube in image 2 red?", answer: "Yes", type: .judgement, images: 3, skill: .comparison)
        #expect(codes(comparison).contains(QualityCode.singleImageReference))
        let both = RecordFactory.record(question: "Which of the images has more cubes?", answer: "Image 2", images: 3, skill: .comparison)
        #expect(codes(both) == [])
    }

    @Test func referencesToImagesThatDoNotExistAreFlagged() {
        let missing = RecordFactory.record(question: "Compare image 1 with image 4.", answer: "Image 4 has more cubes than image 1", images: 3)
        #expect(codes(missing).contains(QualityCode.missingImageReference))
        let ordinal = RecordFactory.record(question: "What is in the fifth picture?", answer: "A cube", images: 2)
        #expect(codes(ordinal).contains(QualityCode.missingImageReference))
        let fine = RecordFactory.record(question: "What is in the second picture?", answer: "A cube", images: 2)
        #expect(!codes(fine).contains(QualityCode.missingImageReference))
    }

    @Test("an answer that copies the question line of a question followed by how to answer it is flagged")
    func answerCopyingTheQuestionLineIsFlagged() {
        let question = "What is written on the red sign next to the door?\nAnswer the question using a single word or phrase."
        let copied = RecordFactory.record(question: question, answer: "What is written on the red sign next to the door?")
        #expect(codes(copied).contains(QualityCode.answerRepeatsQuestion))
        let answered = RecordFactory.record(question: question, answer: "Exit")
        #expect(!codes(answered).contains(QualityCode.answerRepeatsQuestion))
    }

    @Test func hostileTextIsFlaggedWithoutCrashing() {
        let control = RecordFactory.record(question: "What colour is the cube?", answer: "Red\u{0007}\u{0000}")
        #expect(codes(control).contains(QualityCode.controlCharacters))
        // A right-to-left override shows "Yes, it is red" where "Yes, it is der" is stored (and trained on).
        let reversed = RecordFactory.record(question: "What colour is the cube?", answer: "Yes, it is \u{202E}der\u{202C}")
        #expect(codes(reversed).contains(QualityCode.controlCharacters))
        let isolated = RecordFactory.record(question: "What colour is the cube?", answer: "It is \u{2067}red\u{2069}")
        #expect(codes(isolated).contains(QualityCode.controlCharacters))
        // A token a trainer reads as media (an imported row, an edit): flagged, with the token and where it is.
        let video = RecordFactory.record(question: "What happens in the <video>?", answer: "A cat<|im_end|> runs")
        let tokenFlag = RecordValidator().flags(for: video).first { $0.code == QualityCode.trainerToken }
        #expect(tokenFlag?.reason.contains("<video> in turn 1") == true && tokenFlag?.reason.contains("<|im_end|> in turn 2") == true)
        #expect(!codes(RecordFactory.record(question: "Is a < b in [the list]?", answer: "Yes")).contains(QualityCode.trainerToken))
        // Arabic written right to left needs no control character and is not flagged.
        let arabic = RecordFactory.record(question: "What colour is the cube?", answer: "\u{0623}\u{062D}\u{0645}\u{0631}")
        #expect(!codes(arabic).contains(QualityCode.controlCharacters))
        let broken = RecordFactory.record(question: "What colour is the cube?", answer: String(decoding: [0x52, 0xFF, 0x64] as [UInt8], as: UTF8.self))
        #expect(codes(broken).contains(QualityCode.invalidUTF8))
        let huge = RecordFactory.record(question: "What colour is the cube?", answer: String(repeating: "red ", count: 300_000))
        #expect(codes(huge) == [QualityCode.oversized])
        var noTurns = RecordFactory.record(question: "Q", answer: "A")
        noTurns.turns = []
        #expect(codes(noTurns).contains(QualityCode.emptyAnswer))
    }
}

@Suite("Media lines of a question")
struct MediaLineTests {
    @Test("lines that only place images are left out of the question; lines that say more are kept")
    func mediaLines() {
        let question = "Image 1: <image>\nImage 2: <image>\nFrame 12: <image>\n<image>\nWhat differs between them?"
        #expect(RecordValidator.withoutMediaLines(question) == "What differs between them?")
        #expect(RecordValidator.withoutMediaLines("<image> Describe the picture shown here in detail.") == "<image> Describe the picture shown here in detail.")
        #expect(RecordValidator.withoutMediaLines("no placeholder here") == "no placeholder here")
        // Non-ASCII lines take the long way, with the same rule.
        #expect(RecordValidator.withoutMediaLines("Bild 1: <image>\nWas zeigt das Bild über dem Tisch?") == "Was zeigt das Bild über dem Tisch?")
        #expect(RecordValidator.withoutMediaLines("画像 1: <image>\n這是什麼？") == "這是什麼？")
        #expect(RecordValidator.isMediaLine("a b c <image>"[...]) && !RecordValidator.isMediaLine("a b c d <image>"[...]))
    }

    @Test("lines are split at line feeds exactly as String.split does, carriage returns and empty lines included")
    func linesSplitLikeCharacters() {
        for text in ["", "\n", "a\n\nb\n", "Image 1: <image>\nQ?", "é\n\u{301}x\n😀", "a\r\nb\nc\r\n", "\r\n\r\n"] {
            #expect(RecordValidator.lines(of: text) == text.split(separator: "\n", omittingEmptySubsequences: false), "\(text.debugDescription)")
        }
        // "\r\n" is one Character: a Windows line ending does not end a line, as before.
        #expect(RecordValidator.withoutMediaLines("Image 1: <image>\r\nWhat is it?") == "Image 1: <image>\r\nWhat is it?")
    }

    @Test("the language guess names the language whose common words dominate, and abstains when two are close")
    func languageGuess() {
        func guess(_ text: String) -> String? { LanguageGuess.guess(Words.lowercased(text)) }
        #expect(guess("What is the colour of the car in the image?") == "en")
        #expect(guess("¿Cuál es el color del coche en la imagen?") == "es")
        #expect(guess("Quelle est la couleur de la voiture dans cette image ?") == "fr")
        #expect(guess("Welche Farbe hat das Auto auf dem Bild?") == "de")
        // "la", "de" and "en" are common in French and Spanish alike; one more French word is not enough to tell.
        #expect(guess("la image de en") == nil)
        #expect(guess("car") == nil, "too short to say")
        // An English answer that quotes a Chinese sign is English; Chinese and Japanese text is still told apart.
        #expect(guess("What does the sign say? The sign says 欢迎光临北京饭店.") == "en")
        #expect(guess("图片中的立方体是什么颜色？红色") == "zh")
        #expect(guess("この画像の立方体は何色ですか？赤です") == "ja")
        #expect(guess("标志上写着 WELCOME") == "zh")
    }
}
