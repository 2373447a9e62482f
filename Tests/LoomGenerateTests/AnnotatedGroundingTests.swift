import LoomCheck
import LoomCore
import Testing

@testable import LoomGenerate

@Suite("Questions grounded in annotations")
struct AnnotatedGroundingTests {
    static let generator: TemplateGenerator = {
        var generator = GeneratedSamples.generator(types: [.judgement, .multipleChoice, .shortVQA])
        generator.categories = ["bus", "cat", "dog", "giraffe", "person"]
        return generator
    }()

    /// A 640×480 photo: three dogs, one cat, a crowd of people, one bus so small it is a speck.
    static let photo = AnnotatedImage(width: 640, height: 480, objects: [
        AnnotatedObject(category: "dog", box: Box(x: 20, y: 300, width: 120, height: 90)),
        AnnotatedObject(category: "dog", box: Box(x: 200, y: 310, width: 100, height: 80)),
        AnnotatedObject(category: "dog", box: Box(x: 380, y: 320, width: 110, height: 70)),
        AnnotatedObject(category: "cat", box: Box(x: 500, y: 40, width: 90, height: 80)),
        AnnotatedObject(category: "person", box: Box(x: 0, y: 0, width: 300, height: 200), isCrowd: true),
        AnnotatedObject(category: "bus", box: Box(x: 600, y: 450, width: 8, height: 6)),
    ])

    static func sample(_ images: [AnnotatedImage], ordinal: Int) -> Sample {
        let kind: SampleKind = images.count == 1 ? .single : images.count == 2 ? .pair : .set
        return Sample(
            id: "smp-\(ordinal)", kind: kind, ordinal: ordinal, media: images.indices.map { "m\(ordinal)-\($0)" },
            truth: .annotated(AnnotatedTruth(kind: kind, images: images)))
    }

    /// Records of the same photo over many seeds and rotations.
    static let records: [Record] = (0..<60).flatMap { ordinal in
        try! generator.records(for: sample([photo], ordinal: ordinal), seed: UInt64(ordinal))
    }

    @Test("counting asks only about categories that can be counted: no crowds, no specks")
    func countingSkipsCrowdsAndSpecks() throws {
        let counting = Self.records.filter { $0.provenance.template == "counting.count_category" }
        #expect(!counting.isEmpty)
        for record in counting {
            let question = record.turns[0].text
            #expect(!question.contains("people") && !question.contains("person") && !question.contains("bus"), "\(question)")
            #expect(AnswerChecker.check(record, truth: .annotated(AnnotatedTruth(kind: .single, images: [Self.photo]))).isEmpty)
        }
        let dogs = counting.first { $0.type == .shortVQA && $0.turns[0].text.contains("dogs") }
        #expect(dogs?.turns[1].text == "3")
    }

    @Test("presence is asked yes and no in equal numbers, the no about a collection category the photo lacks")
    func presenceIsBalanced() {
        let presence = Self.records.filter { $0.provenance.template == "object_localization.category_presence" }
        let yes = presence.filter { $0.answerKey == "yes" }
        let no = presence.filter { $0.answerKey == "no" }
        #expect(!yes.isEmpty && yes.count == no.count)
        for record in no {
            #expect(record.turns[0].text.contains("giraffe"), "only the giraffe is in the collection and not in the photo")
        }
        for record in yes {
            #expect(!record.turns[0].text.contains("bus"), "a speck of a bus is not something to ask about")
        }
    }

    @Test("the checker rejects answers the annotations contradict or do not settle")
    func checkerUsesAnnotations() throws {
        let truth = SampleTruth.annotated(AnnotatedTruth(kind: .single, images: [Self.photo]))
        func record(_ fact: Fact, answer: String) -> Record {
            Record(
                id: "r", sampleID: "s", media: ["m"],
                turns: [Turn(role: .user, text: "<image>\nQ"), Turn(role: .assistant, text: answer)], type: .shortVQA,
                domain: "counting", skill: nil, language: "en", options: nil, answerKey: nil,
                checks: [AnswerCheck(turn: 1, kind: .exact(fact), expected: nil)],
                provenance: Provenance(generator: "test", template: "t", phrasing: 0, seed: 0))
        }
        #expect(AnswerChecker.check(record(.count(image: 0, filter: .category("dog")), answer: "3"), truth: truth).isEmpty)
        let wrong = AnswerChecker.check(record(.count(image: 0, filter: .category("dog")), answer: "2"), truth: truth)
        #expect(wrong.map(\.code) == [AnswerChecker.disagreement])
        let crowd = AnswerChecker.check(record(.count(image: 0, filter: .category("person")), answer: "1"), truth: truth)
        #expect(crowd.map(\.code) == [AnswerChecker.unanswerable])
        let absent = AnswerChecker.check(record(.presence(image: 0, filter: .category("cat")), answer: "No"), truth: truth)
        #expect(absent.map(\.code) == [AnswerChecker.disagreement])
        #expect(AnswerChecker.check(record(.presence(image: 0, filter: .category("giraffe")), answer: "No"), truth: truth).isEmpty)
        // The cat's box (7,200 px²) dwarfs the speck of a bus (48 px²).
        let larger = AnswerChecker.check(
            record(.larger(image: 0, first: .category("cat"), second: .category("bus")), answer: "cat"), truth: truth)
        #expect(larger.isEmpty)
        let ambiguous = AnswerChecker.check(
            record(.larger(image: 0, first: .category("cat"), second: .category("dog")), answer: "cat"), truth: truth)
        #expect(ambiguous.map(\.code) == [AnswerChecker.unanswerable], "three dogs: 'the dog' names no single object")
        #expect(AnswerChecker.check(
            record(.relation(image: 0, subject: .category("cat"), reference: .category("bus")), answer: "above"), truth: truth
        ).isEmpty)
        let sceneFact = AnswerChecker.check(
            record(.count(image: 0, filter: ObjectFilter(shape: .circle)), answer: "0"), truth: truth)
        #expect(sceneFact.map(\.code) == [AnswerChecker.unanswerable], "photos have no drawn shapes to count")
    }

    @Test("multi-image questions compare counts across photos and name the only photo with a category")
    func acrossImages() throws {
        var second = Self.photo
        second.objects = [
            AnnotatedObject(category: "dog", box: Box(x: 10, y: 10, width: 200, height: 200)),
            AnnotatedObject(category: "giraffe", box: Box(x: 300, y: 100, width: 200, height: 300)),
        ]
        let truth = SampleTruth.annotated(AnnotatedTruth(kind: .pair, images: [Self.photo, second]))
        var templates: Set<String> = []
        for ordinal in 0..<40 {
            let sample = Self.sample([Self.photo, second], ordinal: ordinal)
            for record in try Self.generator.records(for: sample, seed: UInt64(ordinal)) {
                templates.insert(record.provenance.template)
                #expect(AnswerChecker.check(record, truth: truth).isEmpty, "\(record.turns.map(\.text))")
                #expect(record.skill != nil)
                if record.provenance.template == "image_comparison.medium_with_most_category", record.type == .shortVQA {
                    #expect(record.turns[1].text == "Image 1", "three dogs against one")
                }
                if record.provenance.template == "counting.total_category_count", record.type == .shortVQA {
                    #expect(record.turns[1].text == "4", "the dogs of both photos")
                }
            }
        }
        #expect(templates.isSuperset(of: [
            "counting.count_category_in_medium", "counting.total_category_count",
            "object_localization.medium_containing_category", "image_comparison.medium_with_most_category",
        ]))
    }

    @Test("category names are pluralized as English speakers write them", arguments: [
        ("dog", "dogs"), ("person", "people"), ("bus", "buses"), ("wine glass", "wine glasses"), ("skis", "skis"),
        ("knife", "knives"), ("sheep", "sheep"), ("toothbrush", "toothbrushes"), ("teddy bear", "teddy bears"),
        ("potted plant", "potted plants"), ("butterfly", "butterflies"), ("key", "keys"), ("mouse", "mice"),
    ])
    func plurals(_ pair: (String, String)) {
        #expect(EnglishPlural.of(pair.0) == pair.1)
    }
}
