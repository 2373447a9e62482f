import Foundation
import LoomCheck
import LoomCore
import LoomGenerate
import Testing

/// Video samples with seeded timelines: segments (some overlapping, some repeated) and first-person narrations.
enum VideoSamples {
    static let actions = [
        "A man opens the door", "He carries a box inside", "A dog runs across the room", "She waters the plants",
        "The children play with a ball", "He sits down on the sofa", "She pours a cup of tea", "The cat jumps onto the table",
        "A woman reads a newspaper", "He waves at the camera",
    ]
    static let doings = [
        "I open the fridge", "I take out a carrot", "I pick up a knife", "I peel the carrot", "I wash the bowl",
        "I turn on the stove", "I stir the soup", "I put the lid on the pot",
    ]

    static func sample(_ ordinal: Int) -> Sample {
        var rng = SeededGenerator(seed: StableID.seed(11, "video", String(ordinal)))
        var segments: [VideoSegment] = []
        var time = 0.0
        for _ in 0..<rng.int(in: 2...7) {
            let length = Double(rng.int(in: 15...120)) / 10
            // Now and then the next event starts before this one ends.
            let overlap = rng.int(in: 0...4) == 0 ? Double(rng.int(in: 1...20)) / 10 : 0
            let start = max(0, time - overlap)
            // Repeats happen: an action may come back.
            segments.append(VideoSegment(start: start, end: start + length, text: rng.pick(actions.prefix(rng.int(in: 3...10)))!))
            time = start + length + Double(rng.int(in: 0...30)) / 10
        }
        var narrations: [Narration] = []
        if ordinal % 2 == 0 {
            var moment = 0.5
            for doing in doings.shuffled(using: &rng).prefix(rng.int(in: 2...6)) {
                narrations.append(Narration(time: moment, text: doing))
                moment += Double(rng.int(in: 5...40)) / 10
            }
        }
        let duration = max(time, narrations.last?.time ?? 0) + 1
        // Two frames a second: every event is shown.
        let frames = (0..<Int(duration * 2)).map { Double($0) / 2 }
        let truth = VideoTruth(
            videoID: "video-\(ordinal)", duration: duration, frameTimes: frames,
            annotations: VideoAnnotations(segments: segments, narrations: narrations, firstPerson: !narrations.isEmpty))
        return Sample(
            id: "smp-video-\(ordinal)", kind: .sequence, ordinal: ordinal, media: frames.indices.map { "frame-\(ordinal)-\($0)" },
            truth: .video(truth))
    }

    static func timeline(
        _ segments: [VideoSegment], narrations: [Narration] = [], frameTimes: [Double] = [1, 5, 11, 15, 22, 25, 31, 35],
        ordinal: Int = 0
    ) -> Sample {
        let truth = VideoTruth(
            videoID: "fixed", duration: 60, frameTimes: frameTimes,
            annotations: VideoAnnotations(segments: segments, narrations: narrations, firstPerson: !narrations.isEmpty))
        return Sample(
            id: "smp-fixed", kind: .sequence, ordinal: ordinal, media: frameTimes.indices.map { "f\($0)" }, truth: .video(truth))
    }
}

@Suite("Temporal questions from video timelines")
struct TimelineQuestionTests {
    let generator = GeneratedSamples.generator()

    @Test("every question over 300 seeded timelines agrees with the independent checker, and reads back from JSON")
    func checkerAgrees() throws {
        var intents: [String: Int] = [:]
        for ordinal in 0..<300 {
            let sample = VideoSamples.sample(ordinal)
            #expect(try JSONDecoder().decode(Sample.self, from: Data(sample.canonicalJSON.utf8)) == sample)
            for record in try generator.records(for: sample, seed: UInt64(ordinal)) {
                let flags = AnswerChecker.check(record, truth: sample.truth)
                #expect(flags.isEmpty, "\(record.provenance.template) \(record.turns.map(\.text)): \(flags.map(\.reason))")
                #expect(record.domain == "temporal_reasoning" && record.skill == .temporal)
                #expect(try JSONDecoder().decode(Record.self, from: Data(record.canonicalJSON.utf8)) == record)
                intents[record.provenance.template, default: 0] += 1
            }
        }
        let names = ["event_after", "event_at", "event_duration", "event_occurrences", "event_count", "earlier_event", "next_action"]
        for name in names {
            #expect((intents["temporal_reasoning.\(name)"] ?? 0) > 20, "\(name) is asked too rarely: \(intents)")
        }
        #expect(intents.keys.allSatisfy { $0.hasPrefix("temporal_reasoning.") }, "only timeline intents apply to videos: \(intents.keys)")
    }

    @Test("the answers are the timeline's: next event, event at a moment, duration, count, earlier of two")
    func answers() throws {
        let sample = VideoSamples.timeline([
            VideoSegment(start: 0, end: 10, text: "A man opens the door."),
            VideoSegment(start: 12, end: 19.2, text: "He carries a box inside."),
            VideoSegment(start: 30, end: 40, text: "He waves at the camera."),
        ])
        let truth = sample.truth
        func record(_ fact: Fact, _ answer: String) -> Record {
            Record(
                id: "r", sampleID: sample.id, media: sample.media,
                turns: [Turn(role: .user, text: Record.mediaPrefix(count: sample.media.count, kind: .sequence) + "q"), Turn(role: .assistant, text: answer)],
                type: .shortVQA, domain: "temporal_reasoning", skill: .temporal, language: "en", options: nil, answerKey: nil,
                checks: [AnswerCheck(turn: 1, kind: .exact(fact), expected: nil)],
                provenance: Provenance(generator: "test", template: "t", phrasing: 0, seed: 0))
        }
        func agrees(_ fact: Fact, _ answer: String) -> Bool {
            let flags = AnswerChecker.check(record(fact, answer), truth: truth)
            return flags.isEmpty
        }
        #expect(agrees(.eventAfter(event: "A man opens the door."), "He carries a box inside"))
        #expect(!agrees(.eventAfter(event: "A man opens the door."), "He waves at the camera"))
        #expect(agrees(.eventAt(time: 15), "He carries a box inside."))
        #expect(agrees(.eventDuration(event: "He carries a box inside."), "7"))
        #expect(!agrees(.eventDuration(event: "He carries a box inside."), "8"))
        #expect(agrees(.eventCount, "3"))
        #expect(agrees(.earlierEvent(first: "He waves at the camera.", second: "A man opens the door."), "A man opens the door."))
    }

    @Test("overlapping events make 'right after' and 'which first' unanswerable, and the generator does not ask them")
    func overlaps() throws {
        let sample = VideoSamples.timeline([
            VideoSegment(start: 0, end: 10, text: "A man opens the door"),
            VideoSegment(start: 5, end: 15, text: "A dog runs across the room"),
            VideoSegment(start: 20, end: 25, text: "He sits down on the sofa"),
        ])
        for seed in 0..<40 {
            for record in try generator.records(for: sample, seed: UInt64(seed)) {
                for check in record.checks {
                    switch check.kind {
                    case .exact(let fact), .choice(let fact), .claim(let fact, _):
                        if case .eventAfter(let event) = fact { #expect(event == "A dog runs across the room") }
                        if case .earlierEvent(let first, let second) = fact {
                            #expect(Set([first, second]) != Set(["A man opens the door", "A dog runs across the room"]))
                        }
                    default: break
                    }
                }
                #expect(AnswerChecker.check(record, truth: sample.truth).isEmpty)
            }
        }
    }

    @Test("events no sampled frame shows are never asked about")
    func onlyShownEvents() throws {
        let segments = [
            VideoSegment(start: 0, end: 4, text: "A man opens the door"),
            VideoSegment(start: 5, end: 9, text: "He carries a box inside"),
            VideoSegment(start: 30, end: 34, text: "A dog runs across the room"),
            VideoSegment(start: 40, end: 44, text: "He sits down on the sofa"),
        ]
        var asked = 0
        for seed in 0..<40 {
            // Frames only in the first ten seconds.
            let sample = VideoSamples.timeline(segments, frameTimes: [1, 3, 6, 8], ordinal: seed)
            for record in try generator.records(for: sample, seed: UInt64(seed)) {
                asked += 1
                // What is asked about and what the right answer is (wrong options may name any event).
                var named: [String] = []
                for check in record.checks {
                    switch check.kind {
                    case .exact(let fact), .choice(let fact), .claim(let fact, _):
                        switch fact {
                        case .eventAfter(let event), .eventDuration(let event), .eventOccurrences(let event): named.append(event)
                        case .earlierEvent(let first, let second): named += [first, second]
                        case .eventAt(let time): #expect(time < 10, "asked about second \(time), which no frame shows")
                        default: break
                        }
                    default: break
                    }
                    if case .text(let answer)? = check.expected { named.append(answer) }
                }
                let text = named.joined(separator: " ").lowercased()
                #expect(!text.contains("dog") && !text.contains("sofa"), "\(record.turns.map(\.text))")
                #expect(record.provenance.template != "temporal_reasoning.event_count", "two events are not shown: the count cannot be seen")
            }
        }
        #expect(asked > 0)
    }

    @Test("first-person narrations ask what I am about to do, answered with the next narration")
    func nextAction() throws {
        let steps = ["I open the fridge", "I take out a carrot", "I close the fridge", "I wash the carrot", "I peel the carrot"]
        var asked: Set<QuestionType> = []
        for seed in 0..<20 {
            // The ordinal turns the question type.
            let sample = VideoSamples.timeline(
                [], narrations: zip([1.0, 4, 9, 12, 15], steps).map { Narration(time: $0, text: $1) }, ordinal: seed)
            for record in try generator.records(for: sample, seed: UInt64(seed)) where record.provenance.template == "temporal_reasoning.next_action" {
                asked.insert(record.type)
                #expect(AnswerChecker.check(record, truth: sample.truth).isEmpty)
                if record.type == .shortVQA {
                    let question = record.turns[0].text
                    let answer = record.turns[1].text
                    let asked = try #require(steps.indices.dropLast().first { question.contains(steps[$0]) })
                    #expect(answer == steps[asked + 1], "\(question) → \(answer)")
                }
            }
        }
        #expect(asked == [.judgement, .multipleChoice, .shortVQA])
    }
}
