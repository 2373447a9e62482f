import LoomCore

/// Intents over a video's timestamped annotations: what happens right after an event, what is going on at a
/// moment, how long an event lasts, how often it happens, which of two comes first, and (for first-person video
/// with narrations) what the camera wearer is about to do. Only events that a sampled frame shows are asked
/// about: a question about a moment no frame shows could not be answered from the images.
enum TimelineIntents {
    /// The video's segments sorted by start (then end), each with whether its text is unique in the video, and
    /// the times of the frames the sample shows.
    private struct Timeline {
        var segments: [VideoSegment]
        var narrations: [Narration]
        var uniqueTexts: Set<String>
        var frameTimes: [Double]

        init(_ video: VideoTruth) {
            segments = video.segments.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            narrations = video.narrations.sorted { $0.time < $1.time }
            frameTimes = video.frameTimes
            var tally: [String: Int] = [:]
            for segment in segments { tally[Phrasing.normalized(segment.text), default: 0] += 1 }
            uniqueTexts = Set(tally.filter { $0.value == 1 }.map(\.key))
        }

        func isUnique(_ segment: VideoSegment) -> Bool { uniqueTexts.contains(Phrasing.normalized(segment.text)) }

        /// Whether a shown frame falls inside the segment: questions are asked only about what the frames show.
        func isShown(_ segment: VideoSegment) -> Bool { frameTimes.contains { segment.start <= $0 && $0 < segment.end } }

        /// A question about a segment is fair when its text names it alone and a frame shows it.
        func isAskable(_ segment: VideoSegment) -> Bool { isUnique(segment) && isShown(segment) }

        /// Other segments' distinct texts, as wrong answers.
        func otherTexts(than text: String, rng: inout SeededGenerator) -> [FactValue] {
            var seen: Set<String> = [Phrasing.normalized(text)]
            var values: [FactValue] = []
            for segment in segments where seen.insert(Phrasing.normalized(segment.text)).inserted {
                values.append(.text(segment.text))
            }
            return values.shuffled(using: &rng)
        }
    }

    private static func timeline(_ context: IntentContext) -> Timeline? {
        guard case .video(let video) = context.truth else { return nil }
        return Timeline(video)
    }

    /// Sentence openings that are lower case inside a question; any other capital (a name, "I") stays.
    private static let lowerCaseOpenings: Set<String> = [
        "a", "an", "the", "he", "she", "they", "it", "we", "you", "someone", "somebody", "people", "this", "that", "these",
        "those", "his", "her", "their", "its", "one", "two", "three", "several", "some", "many", "another", "there", "after",
        "then", "next", "finally", "now",
    ]

    /// An event's text as it reads inside a question: "A man opens the door." → "a man opens the door";
    /// "Sheldon waves." → "Sheldon waves".
    static func phrase(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == "." || last == " " { text.removeLast() }
        guard let first = text.first else { return String(text) }
        let firstWord = text.prefix { $0 != " " && $0 != "," }
        guard lowerCaseOpenings.contains(firstWord.lowercased()) else { return String(text) }
        return first.lowercased() + text.dropFirst()
    }

    static func eventAfter(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard let timeline = timeline(context) else { return nil }
        let segments = timeline.segments
        var candidates: [(VideoSegment, VideoSegment)] = []
        for index in segments.indices.dropLast() {
            let (current, next) = (segments[index], segments[index + 1])
            // "Right after" needs a clear next event: it starts once this one is over, and nothing ties with it.
            guard next.start >= current.end, index + 2 >= segments.count || segments[index + 2].start > next.start,
                timeline.isAskable(current), timeline.isAskable(next)
            else { continue }
            candidates.append((current, next))
        }
        guard let (current, next) = rng.pick(candidates) else { return nil }
        return IntentInstance(
            fact: .eventAfter(event: current.text), value: .text(next.text),
            distractors: timeline.otherTexts(than: next.text, rng: &rng).filter { $0 != .text(current.text) },
            bindings: ["event": phrase(current.text)],
            candidateBindings: { ["candidate": phrase($0.rendered(mediumNoun: "frame"))] })
    }

    static func eventAt(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard let timeline = timeline(context) else { return nil }
        var candidates: [(VideoSegment, Int)] = []
        for segment in timeline.segments where timeline.isUnique(segment) {
            // The whole second of a shown frame inside this segment and no other.
            for frameTime in timeline.frameTimes where segment.start <= frameTime && frameTime < segment.end {
                let second = Int(frameTime.rounded())
                let time = Double(second)
                guard time >= segment.start, time < segment.end,
                    timeline.segments.filter({ $0.start <= time && time < $0.end }).count == 1
                else { continue }
                candidates.append((segment, second))
                break
            }
        }
        guard let (segment, second) = rng.pick(candidates) else { return nil }
        return IntentInstance(
            fact: .eventAt(time: Double(second)), value: .text(segment.text),
            distractors: timeline.otherTexts(than: segment.text, rng: &rng),
            bindings: ["time": String(second)],
            candidateBindings: { ["candidate": phrase($0.rendered(mediumNoun: "frame"))] })
    }

    static func eventDuration(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard let timeline = timeline(context) else { return nil }
        // Whole seconds, away from a half second, so rounding cannot go either way.
        let candidates = timeline.segments.filter { segment in
            let fraction = segment.duration - segment.duration.rounded(.down)
            return timeline.isAskable(segment) && segment.duration >= 2 && abs(fraction - 0.5) > 0.1
        }
        guard let segment = rng.pick(candidates) else { return nil }
        let seconds = Int(segment.duration.rounded())
        return IntentInstance(
            fact: .eventDuration(event: segment.text), value: .int(seconds),
            distractors: SceneQueries.nearbyNumbers(seconds, rng: &rng).filter { $0 != .int(0) },
            bindings: ["event": phrase(segment.text)])
    }

    static func eventOccurrences(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard let timeline = timeline(context) else { return nil }
        // Every occurrence must be shown, or the count cannot be seen.
        var tally: [String: (text: String, count: Int, shown: Bool)] = [:]
        for segment in timeline.segments {
            tally[Phrasing.normalized(segment.text), default: (segment.text, 0, true)].count += 1
            if !timeline.isShown(segment) { tally[Phrasing.normalized(segment.text)]?.shown = false }
        }
        let repeated = tally.values.filter { $0.count >= 2 && $0.shown }.sorted { $0.text < $1.text }
        guard let (text, count, _) = rng.pick(repeated) else { return nil }
        return IntentInstance(
            fact: .eventOccurrences(event: text), value: .int(count),
            distractors: SceneQueries.nearbyNumbers(count, rng: &rng).filter { $0 != .int(0) },
            bindings: ["event": phrase(text)])
    }

    static func eventCount(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard let timeline = timeline(context), timeline.segments.count >= 2, timeline.segments.allSatisfy(timeline.isShown)
        else { return nil }
        let count = timeline.segments.count
        return IntentInstance(
            fact: .eventCount, value: .int(count),
            distractors: SceneQueries.nearbyNumbers(count, rng: &rng).filter { $0 != .int(0) }, bindings: [:])
    }

    static func earlierEvent(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard let timeline = timeline(context) else { return nil }
        let unique = timeline.segments.filter(timeline.isAskable)
        var pairs: [(VideoSegment, VideoSegment)] = []
        for (index, earlier) in unique.enumerated() {
            for later in unique[(index + 1)...] where later.start >= earlier.end { pairs.append((earlier, later)) }
        }
        guard let (earlier, later) = rng.pick(pairs) else { return nil }
        // Named in either order, so the first one named is not always the answer.
        let (first, second) = rng.int(in: 0...1) == 0 ? (earlier, later) : (later, earlier)
        return IntentInstance(
            fact: .earlierEvent(first: first.text, second: second.text), value: .text(earlier.text),
            distractors: [.text(later.text)],
            bindings: ["first": phrase(first.text), "second": phrase(second.text)],
            candidateBindings: { ["candidate": phrase($0.rendered(mediumNoun: "frame"))] })
    }

    static func nextAction(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard case .video(let video) = context.truth, video.annotations.firstPerson else { return nil }
        let narrations = video.narrations.sorted { $0.time < $1.time }
        var tally: [String: Int] = [:]
        for narration in narrations { tally[Phrasing.normalized(narration.text), default: 0] += 1 }
        var candidates: [(Narration, Narration)] = []
        for index in narrations.indices.dropLast() {
            let (current, next) = (narrations[index], narrations[index + 1])
            // A frame at or just before the current action shows where I am.
            guard current.text.hasPrefix("I "), next.text.hasPrefix("I "), next.time > current.time,
                video.frameTimes.contains(where: { $0 >= current.time - 2 && $0 < next.time }),
                index + 2 >= narrations.count || narrations[index + 2].time > next.time,
                tally[Phrasing.normalized(current.text)] == 1,
                Phrasing.normalized(current.text) != Phrasing.normalized(next.text)
            else { continue }
            candidates.append((current, next))
        }
        guard let (current, next) = rng.pick(candidates) else { return nil }
        var seen: Set<String> = [Phrasing.normalized(next.text), Phrasing.normalized(current.text)]
        let others = narrations.filter { seen.insert(Phrasing.normalized($0.text)).inserted }.map { FactValue.text($0.text) }
        return IntentInstance(
            fact: .nextAction(after: current.text), value: .text(next.text), distractors: others.shuffled(using: &rng),
            bindings: ["action": String(current.text.dropFirst(2))],
            candidateBindings: { ["candidate": phrase($0.rendered(mediumNoun: "frame"))] })
    }
}
