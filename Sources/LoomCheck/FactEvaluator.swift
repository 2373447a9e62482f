import LoomCore

/// Why a fact has no single correct value in the ground truth.
struct Unanswerable: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The checker's own evaluation of facts against ground truth. It shares no code with the generator's
/// intents: each answer is recomputed from the objects, boxes and texts alone.
struct FactEvaluator {
    let truth: SampleTruth
    /// `truth.scenes`, made once (it builds a new array each time it is asked).
    private let scenes: [SceneTruth]

    init(truth: SampleTruth) {
        self.truth = truth
        scenes = truth.scenes
    }

    func value(of fact: Fact) throws -> FactValue {
        switch fact {
        case .count(let image, let filter):
            return .int(try count(image, filter))
        case .attribute(let image, let selector, let attribute):
            let object = try only(selector, in: scene(image))
            switch attribute {
            case .shape: return .text(object.shape.rawValue)
            case .color: return .text(object.color.rawValue)
            case .size: return .text(object.size.rawValue)
            case .pattern: return .text(object.pattern.rawValue)
            }
        case .region(let image, let selector):
            return .text(gridCell(try onlyBox(image, selector), try canvas(image)))
        case .boundingBox(let image, let selector):
            let (width, height) = try canvas(image)
            let box = try onlyBox(image, selector)
            let values = [box.x / Double(width), box.y / Double(height),
                (box.x + box.width) / Double(width), (box.y + box.height) / Double(height)]
            return .text("[\(values.map(Phrasing.twoDecimals).joined(separator: ", "))]")
        case .relation(let image, let subject, let reference):
            return .text(try relation(try onlyBox(image, subject), try onlyBox(image, reference)))
        case .labelText(let image, let signColor):
            let labels = try scene(image).labels.filter { signColor == nil || $0.signColor == signColor }
            guard labels.count == 1 else { throw Unanswerable("\(labels.count) signs fit the description") }
            return .text(labels[0].text)
        case .numberSum(let image):
            return .int(try scene(image).labels.compactMap { number(in: $0.text) }.reduce(0, +))
        case .countDifference(let image, let more, let less):
            return .int(try count(image, more) - count(image, less))
        case .remainingAfterRemoval(let image, let removed):
            return .int(try count(image, ObjectFilter()) - count(image, removed))
        case .mostCommon(let image, let attribute):
            var tally: [String: Int] = [:]
            for object in try scene(image).objects { tally[attributeValue(object, attribute), default: 0] += 1 }
            return .text(try uniqueMaximum(tally))
        case .mediumContaining(let filter):
            let holders = try (0..<mediumCount).filter { !(try located($0, filter)).isEmpty }
            guard holders.count == 1 else { throw Unanswerable("\(holders.count) media contain such an object") }
            return .medium(holders[0])
        case .totalCount(let filter):
            return .int(try (0..<mediumCount).reduce(0) { $0 + (try count($1, filter)) })
        case .mediumWithMostObjects:
            let counts = Dictionary(uniqueKeysWithValues: scenes.indices.map { (String($0), scenes[$0].objects.count) })
            return .medium(Int(try uniqueMaximum(counts))!)
        case .sharedByAll(let attribute):
            var common = Set(scenes.first?.objects.map { attributeValue($0, attribute) } ?? [])
            for scene in scenes.dropFirst() { common.formIntersection(scene.objects.map { attributeValue($0, attribute) }) }
            guard common.count == 1 else { throw Unanswerable("\(common.count) values are shared by every medium") }
            return .text(common.first!)
        case .pairChange:
            return .text(try pairDifference())
        case .motionDirection(let selector):
            let positions = try track(selector).map(\.box)
            guard let first = positions.first, let last = positions.last, positions.count >= 2 else {
                throw Unanswerable("the object is visible in fewer than two frames")
            }
            let dx = (last.x + last.width / 2) - (first.x + first.width / 2)
            let dy = (last.y + last.height / 2) - (first.y + first.height / 2)
            guard Swift.max(abs(dx), abs(dy)) >= 1.2 * Swift.min(abs(dx), abs(dy)), Swift.max(abs(dx), abs(dy)) > 2 else {
                throw Unanswerable("the object has no single clear direction of motion")
            }
            if abs(dx) > abs(dy) { return .text(dx < 0 ? "left" : "right") }
            return .text(dy < 0 ? "up" : "down")
        case .firstFrame(let selector):
            return .medium(try track(selector).first!.frame)
        case .lastFrame(let selector):
            return .medium(try track(selector).last!.frame)
        case .frameOrder(let selector, let direction, let shown):
            let boxes = Dictionary(uniqueKeysWithValues: try track(selector).map { ($0.frame, $0.box) })
            var positions: [(shown: Int, coordinate: Double)] = []
            for (position, frame) in shown.enumerated() {
                guard let box = boxes[frame] else { throw Unanswerable("the object is missing from a shown frame") }
                let coordinate: Double =
                    switch direction {
                    case .right: box.x + box.width / 2
                    case .left: -(box.x + box.width / 2)
                    case .down: box.y + box.height / 2
                    case .up: -(box.y + box.height / 2)
                    }
                positions.append((position + 1, coordinate))
            }
            let ordered = positions.sorted { $0.coordinate < $1.coordinate }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) where later.coordinate - earlier.coordinate < 1 {
                throw Unanswerable("the object does not move between two of the shown frames")
            }
            return .text(ordered.map { String($0.shown) }.joined(separator: ", "))
        case .mediaContaining(let filter):
            return .int(try (0..<mediumCount).count { !(try located($0, filter)).isEmpty })
        case .presence(let image, let filter):
            return .text(try located(image, filter).isEmpty ? "no" : "yes")
        case .larger(let image, let first, let second):
            let (a, b) = (try onlyBox(image, first), try onlyBox(image, second))
            let (areaA, areaB) = (a.width * a.height, b.width * b.height)
            // Boxes of similar area do not settle which object is bigger.
            guard Swift.max(areaA, areaB) >= 1.5 * Swift.min(areaA, areaB) else {
                throw Unanswerable("the two boxes are within 1.5 times of each other's area: neither is clearly larger")
            }
            return .text(Phrasing.noun(areaA > areaB ? first : second))
        case .datasetAnswer:
            guard case .converted(let converted) = truth else { throw Unanswerable("the sample is not a converted dataset row") }
            return converted.answer
        case .mediumWithMost(let filter):
            var tally: [String: Int] = [:]
            for index in 0..<mediumCount { tally[String(index), default: 0] = try count(index, filter) }
            return .medium(Int(try uniqueMaximum(tally))!)
        case .eventAfter(let event):
            let current = try onlySegment(event)
            let segments = try video().segments
            if segments.contains(where: { $0 != current && $0.start > current.start && $0.start < current.end }) {
                throw Unanswerable("another event starts while '\(event)' is going on: 'right after' is not clear")
            }
            let later = segments.filter { $0.start >= current.end }
            guard let soonest = later.map(\.start).min() else { throw Unanswerable("nothing happens after '\(event)'") }
            let next = later.filter { $0.start == soonest }
            guard next.count == 1 else { throw Unanswerable("\(next.count) events start right after '\(event)'") }
            return .text(next[0].text)
        case .eventAt(let time):
            let going = try video().segments.filter { $0.start <= time && time < $0.end }
            guard going.count == 1 else { throw Unanswerable("\(going.count) events are going on at \(time) s") }
            return .text(going[0].text)
        case .eventDuration(let event):
            let segment = try onlySegment(event)
            let length = segment.end - segment.start
            let fraction = length - length.rounded(.down)
            guard abs(fraction - 0.5) > 0.05 else { throw Unanswerable("'\(event)' lasts half a second past a whole number") }
            return .int(Int(length.rounded()))
        case .eventOccurrences(let event):
            let key = Phrasing.normalized(event)
            return .int(try video().segments.count { Phrasing.normalized($0.text) == key })
        case .eventCount:
            return .int(try video().segments.count)
        case .earlierEvent(let first, let second):
            let (a, b) = (try onlySegment(first), try onlySegment(second))
            guard a.end <= b.start || b.end <= a.start else { throw Unanswerable("the two events overlap in time") }
            return .text(a.start < b.start ? a.text : b.text)
        case .nextAction(let after):
            let narrations = try video().narrations
            let key = Phrasing.normalized(after)
            let matching = narrations.filter { Phrasing.normalized($0.text) == key }
            guard matching.count == 1 else { throw Unanswerable("\(matching.count) narrations read '\(after)'") }
            let later = narrations.filter { $0.time > matching[0].time }
            guard let soonest = later.map(\.time).min() else { throw Unanswerable("nothing is narrated after '\(after)'") }
            let next = later.filter { $0.time == soonest }
            guard next.count == 1 else { throw Unanswerable("\(next.count) narrations share the next moment") }
            return .text(next[0].text)
        }
    }

    // MARK: - Video timelines

    private func video() throws -> VideoTruth {
        guard case .video(let video) = truth else { throw Unanswerable("the sample is not a video") }
        return video
    }

    /// The only segment with this text (compared as answers are).
    private func onlySegment(_ text: String) throws -> VideoSegment {
        let key = Phrasing.normalized(text)
        let matching = try video().segments.filter { Phrasing.normalized($0.text) == key }
        guard matching.count == 1 else { throw Unanswerable("\(matching.count) events read '\(text)'") }
        return matching[0]
    }

    // MARK: - Objects of any medium

    /// One object as the checker sees it, drawn or annotated: where it is, and whether its box stands for a
    /// crowd of instances rather than one.
    private struct Located {
        var box: Box
        var crowd: Bool
    }

    private var mediumCount: Int {
        if case .annotated(let annotated) = truth { return annotated.images.count }
        return scenes.count
    }

    /// Width and height of one medium, in the pixels its boxes are given in.
    private func canvas(_ index: Int) throws -> (Int, Int) {
        if case .annotated(let annotated) = truth {
            guard annotated.images.indices.contains(index) else { throw Unanswerable("the sample has no medium \(index + 1)") }
            return (annotated.images[index].width, annotated.images[index].height)
        }
        let scene = try scene(index)
        return (scene.width, scene.height)
    }

    /// The objects of one medium that the filter selects.
    private func located(_ index: Int, _ filter: ObjectFilter) throws -> [Located] {
        if case .annotated(let annotated) = truth {
            guard annotated.images.indices.contains(index) else { throw Unanswerable("the sample has no medium \(index + 1)") }
            if filter.setsSceneAttributes {
                throw Unanswerable("'\(Phrasing.noun(filter))' names shapes or colours, which annotated objects do not have")
            }
            return annotated.images[index].objects.compactMap { object in
                guard filter.category == nil || filter.category == object.category else { return nil }
                return Located(box: object.box, crowd: object.isCrowd)
            }
        }
        return try scene(index).objects.filter { fits($0, filter) }.map { Located(box: $0.box, crowd: false) }
    }

    /// How many objects of one medium the filter selects; a crowd box among them leaves the number open.
    private func count(_ index: Int, _ filter: ObjectFilter) throws -> Int {
        let matches = try located(index, filter)
        if matches.contains(where: \.crowd) {
            throw Unanswerable("a crowd region is annotated among the \(Phrasing.noun(filter, plural: true)): the count is not known")
        }
        return matches.count
    }

    /// The box of the one object of a medium the selector names.
    private func onlyBox(_ index: Int, _ selector: ObjectFilter) throws -> Box {
        let matches = try located(index, selector)
        guard matches.count == 1, !matches[0].crowd else {
            throw Unanswerable("'\(Phrasing.noun(selector))' refers to \(matches.count) objects, not exactly one")
        }
        return matches[0].box
    }

    // MARK: - Drawn scenes

    private func scene(_ index: Int) throws -> SceneTruth {
        if case .annotated = truth {
            throw Unanswerable("the question asks about drawn-scene details that annotated images do not record")
        }
        guard scenes.indices.contains(index) else { throw Unanswerable("the sample has no medium \(index + 1)") }
        return scenes[index]
    }

    private func fits(_ object: SceneObject, _ filter: ObjectFilter) -> Bool {
        if filter.category != nil { return false }
        if let shape = filter.shape, shape != object.shape { return false }
        if let color = filter.color, color != object.color { return false }
        if let size = filter.size, size != object.size { return false }
        if let pattern = filter.pattern, pattern != object.pattern { return false }
        return true
    }

    private func only(_ selector: ObjectFilter, in scene: SceneTruth) throws -> SceneObject {
        let matches = scene.objects.filter { fits($0, selector) }
        guard matches.count == 1 else {
            throw Unanswerable("'\(Phrasing.noun(selector))' refers to \(matches.count) objects, not exactly one")
        }
        return matches[0]
    }

    private func attributeValue(_ object: SceneObject, _ attribute: Attribute) -> String {
        switch attribute {
        case .shape: object.shape.rawValue
        case .color: object.color.rawValue
        case .size: object.size.rawValue
        case .pattern: object.pattern.rawValue
        }
    }

    private func uniqueMaximum(_ tally: [String: Int]) throws -> String {
        guard let best = tally.values.max() else { throw Unanswerable("there is nothing to compare") }
        let winners = tally.filter { $0.value == best }
        guard winners.count == 1 else { throw Unanswerable("\(winners.count) values tie for the most") }
        return winners.first!.key
    }

    private func gridCell(_ box: Box, _ canvas: (width: Int, height: Int)) -> String {
        let cx = box.x + box.width / 2
        let cy = box.y + box.height / 2
        let column = Swift.max(0, Swift.min(2, Int(3 * cx / Double(canvas.width))))
        let row = Swift.max(0, Swift.min(2, Int(3 * cy / Double(canvas.height))))
        let names = [["top left", "top", "top right"], ["left", "center", "right"], ["bottom left", "bottom", "bottom right"]]
        return names[row][column]
    }

    private func relation(_ subject: Box, _ reference: Box) throws -> String {
        let dx = (subject.x + subject.width / 2) - (reference.x + reference.width / 2)
        let dy = (subject.y + subject.height / 2) - (reference.y + reference.height / 2)
        guard Swift.max(abs(dx), abs(dy)) >= 1.2 * Swift.min(abs(dx), abs(dy)) else {
            throw Unanswerable("the two objects are diagonal to each other: no single relation holds")
        }
        if abs(dx) > abs(dy) { return dx < 0 ? "left of" : "right of" }
        return dy < 0 ? "above" : "below"
    }

    private func number(in text: String) -> Int? {
        let digits = text.hasPrefix("$") ? String(text.dropFirst()) : text
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// The frames in which the one object the selector names is visible, with its box in each.
    private func track(_ selector: ObjectFilter) throws -> [(frame: Int, box: Box)] {
        var ids: Set<Int> = []
        for scene in scenes { for object in scene.objects where fits(object, selector) { ids.insert(object.id) } }
        guard ids.count == 1, let id = ids.first else {
            throw Unanswerable("'\(Phrasing.noun(selector))' refers to \(ids.count) objects over the frames")
        }
        return scenes.enumerated().compactMap { index, scene in
            scene.objects.first { $0.id == id }.map { (index, $0.box) }
        }
    }

    /// Compares the two images of a pair object by object and describes the one difference.
    private func pairDifference() throws -> String {
        guard case .pair(let pair) = truth else { throw Unanswerable("the sample is not a pair") }
        let before = Dictionary(uniqueKeysWithValues: pair.first.objects.map { ($0.id, $0) })
        let after = Dictionary(uniqueKeysWithValues: pair.second.objects.map { ($0.id, $0) })
        var differences: [String] = []
        let (w, h) = (pair.first.width, pair.first.height)
        for (id, object) in after where before[id] == nil {
            differences.append(Phrasing.change(kind: .added, before: nil, after: object, width: w, height: h))
        }
        for (id, object) in before {
            guard let other = after[id] else {
                differences.append(Phrasing.change(kind: .removed, before: object, after: nil, width: w, height: h))
                continue
            }
            if other.color != object.color {
                differences.append(Phrasing.change(kind: .recolored, before: object, after: other, width: w, height: h))
            }
            if other.size != object.size {
                differences.append(Phrasing.change(kind: .resized, before: object, after: other, width: w, height: h))
            } else if abs(other.centerX - object.centerX) > 1 || abs(other.centerY - object.centerY) > 1 {
                differences.append(Phrasing.change(kind: .moved, before: object, after: other, width: w, height: h))
            }
            if other.shape != object.shape || other.pattern != object.pattern {
                differences.append("the \(Phrasing.noun(object)) changed shape or pattern")
            }
        }
        if pair.first.labels != pair.second.labels { differences.append("the signs changed") }
        guard differences.count == 1 else {
            throw Unanswerable("the images differ in \(differences.count) ways, not exactly one")
        }
        return differences[0]
    }
}
