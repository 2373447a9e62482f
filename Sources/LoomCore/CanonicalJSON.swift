/// Fast JSON for the two shapes the store writes most: records and samples. The output has the same structure
/// as the synthesized `Codable` encoding (so `JSONDecoder` reads it back into an equal value, which a test
/// checks for every kind of record and sample) at a fraction of `JSONEncoder`'s cost, which was most of the
/// time spent storing a run when measured.
///
/// The bytes go into a buffer of its own, written through a pointer: encoding appends a few bytes at a time, and
/// a byte array checked its uniqueness and capacity on each append (a quarter of the encoding time when measured).
struct JSONBuilder: ~Copyable, JSONByteSink {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    private var needsComma = false

    init(capacity: Int = 1024) {
        self.capacity = max(64, capacity)
        start = .allocate(capacity: self.capacity)
    }

    deinit {
        start.deallocate()
    }

    var text: String { String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        start[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if bytes.count > capacity - count { grow(toHold: bytes.count) }
        (start + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Doubles the buffer (at least), keeping what was written.
    @inline(never)
    private mutating func grow(toHold more: Int) {
        let newCapacity = max(capacity * 2, count + more)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.initialize(from: start, count: count)
        start.deallocate()
        start = bigger
        capacity = newCapacity
    }

    private mutating func raw(_ ascii: StaticString) {
        ascii.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func object(_ body: (inout JSONBuilder) -> Void) {
        separate()
        append(0x7B)
        needsComma = false
        body(&self)
        append(0x7D)
        needsComma = true
    }

    mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONBuilder, S.Element) -> Void) {
        separate()
        append(0x5B)
        needsComma = false
        for item in items { element(&self, item) }
        append(0x5D)
        needsComma = true
    }

    /// Starts a member: `"key":`. The value written next completes it.
    mutating func key(_ name: StaticString) {
        separate()
        // Keys are Swift identifiers: nothing to escape.
        append(0x22)
        raw(name)
        append(0x22)
        append(0x3A)
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { JSONText.writeQuoted(utf8: $0, to: &self) }
        needsComma = true
    }

    mutating func int<T: BinaryInteger>(_ value: T) {
        separate()
        Self.appendDecimal(value, to: &self)
        needsComma = true
    }

    /// Appends the decimal spelling of `value`, as `String(value)` spells it, without making the string.
    static func appendDecimal<T: BinaryInteger, Sink: JSONByteSink & ~Copyable>(_ value: T, to out: inout Sink) {
        guard var rest = UInt64(exactly: value.magnitude) else {
            var spelled = String(value)
            spelled.withUTF8 { out.append(contentsOf: $0) }
            return
        }
        if value < 0 { out.append(0x2D) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    mutating func double(_ value: Double) {
        separate()
        if ShortDecimalSpelling.append(value, to: &self) {
            // Spelled as `description` would, the short way (most of what the store writes: rounded geometry).
        } else if value.isFinite {
            // Copied as one block: appending the `utf8` view went element by element.
            var spelled = value.description
            spelled.withUTF8 { append(contentsOf: $0) }
        } else {
            raw("0")
        }
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        if value { raw("true") } else { raw("false") }
        needsComma = true
    }

    mutating func member(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func member<T: BinaryInteger>(_ name: StaticString, _ value: T) {
        key(name)
        int(value)
    }

    mutating func member(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func member(_ name: StaticString, _ value: Double) {
        key(name)
        double(value)
    }

    /// An enum case with associated values: `"case": {…}`.
    mutating func enumCase(_ name: StaticString, _ body: (inout JSONBuilder) -> Void) {
        key(name)
        object(body)
    }

    private mutating func separate() {
        if needsComma { append(0x2C) }
    }
}

extension Record {
    /// The record as JSON, decodable with `JSONDecoder` into an equal record.
    public var canonicalJSON: String {
        var json = JSONBuilder(capacity: 2048)
        json.object { j in
            j.member("id", id)
            j.member("sampleID", sampleID)
            j.key("media")
            j.array(media) { $0.string($1) }
            j.key("turns")
            j.array(turns) { j, turn in
                j.object { j in
                    j.member("role", turn.role.rawValue)
                    j.member("text", turn.text)
                }
            }
            j.member("type", type.rawValue)
            j.member("domain", domain.rawValue)
            if let skill { j.member("skill", skill.rawValue) }
            j.member("language", language)
            appendDetails(to: &j)
        }
        return json.text
    }

    /// The members of the record that a run store keeps in its `body` column: options, answer key, checks,
    /// provenance and flags, as a JSON object in `canonicalJSON`'s layout. The store's other columns hold the
    /// rest (id, sample, media, type, domain, skill, language, and the turns as ShareGPT text), so each is
    /// written, checkpointed and hashed once.
    public var detailsJSON: String {
        var json = JSONBuilder(capacity: 1024)
        json.object { j in appendDetails(to: &j) }
        return json.text
    }

    private func appendDetails(to j: inout JSONBuilder) {
        if let options {
            j.key("options")
            j.array(options) { $0.string($1) }
        }
        if let answerKey { j.member("answerKey", answerKey) }
        j.key("checks")
        j.array(checks) { j, check in j.answerCheck(check) }
        j.key("provenance")
        j.object { j in
            j.member("generator", provenance.generator)
            j.member("template", provenance.template)
            j.member("phrasing", provenance.phrasing)
            j.member("seed", provenance.seed)
            if let model = provenance.model {
                j.key("model")
                j.object { j in
                    j.member("endpoint", model.endpoint)
                    j.member("model", model.model)
                    j.member("prompt", model.prompt)
                    j.member("promptHash", model.promptHash)
                    j.key("seedQuestions")
                    j.array(model.seedQuestions) { $0.string($1) }
                    j.member("promptTokens", model.promptTokens)
                    j.member("completionTokens", model.completionTokens)
                    j.member("cost", model.cost)
                }
            }
            if let source = provenance.translatedFrom { j.member("translatedFrom", source) }
        }
        j.key("flags")
        j.array(flags) { j, flag in
            j.object { j in
                j.member("code", flag.code)
                j.member("reason", flag.reason)
            }
        }
    }
}

extension Sample {
    /// The sample as JSON, decodable with `JSONDecoder` into an equal sample.
    public var canonicalJSON: String {
        // A drawn scene's truth takes about 1.2 KB: sized up front, a 16-frame sequence is not copied four times
        // while it grows.
        var json = JSONBuilder(capacity: 1024 + 1536 * max(1, media.count))
        json.object { j in
            j.member("id", id)
            j.member("kind", kind.rawValue)
            j.member("ordinal", ordinal)
            j.key("media")
            j.array(media) { $0.string($1) }
            j.key("truth")
            j.object { j in
                switch truth {
                case .single(let scene):
                    j.enumCase("single") { j in
                        j.key("_0")
                        j.scene(scene)
                    }
                case .pair(let pair):
                    j.enumCase("pair") { j in
                        j.key("_0")
                        j.object { j in
                            j.key("first")
                            j.scene(pair.first)
                            j.key("second")
                            j.scene(pair.second)
                            j.key("change")
                            j.object { j in
                                j.member("kind", pair.change.kind.rawValue)
                                j.member("objectID", pair.change.objectID)
                            }
                        }
                    }
                case .set(let scenes), .sequence(let scenes):
                    j.enumCase(truth.kind == .set ? "set" : "sequence") { j in
                        j.key("_0")
                        j.array(scenes) { j, scene in j.scene(scene) }
                    }
                case .converted(let converted):
                    j.enumCase("converted") { j in
                        j.key("_0")
                        j.object { j in
                            j.member("kind", converted.kind.rawValue)
                            j.member("source", converted.source)
                            j.key("answer")
                            j.value(converted.answer)
                        }
                    }
                case .described(let context):
                    j.enumCase("described") { j in
                        j.key("_0")
                        j.object { j in
                            j.member("kind", context.kind.rawValue)
                            j.member("origin", context.origin)
                        }
                    }
                case .video(let video):
                    j.enumCase("video") { j in
                        j.key("_0")
                        j.videoTruth(video)
                    }
                case .annotated(let annotated):
                    j.enumCase("annotated") { j in
                        j.key("_0")
                        j.object { j in
                            j.member("kind", annotated.kind.rawValue)
                            j.key("images")
                            j.array(annotated.images) { j, image in j.annotatedImage(image) }
                        }
                    }
                }
            }
        }
        return json.text
    }
}

extension JSONBuilder {
    mutating func videoTruth(_ video: VideoTruth) {
        object { j in
            j.member("videoID", video.videoID)
            j.member("duration", video.duration)
            j.key("frameTimes")
            j.array(video.frameTimes) { $0.double($1) }
            j.key("annotations")
            j.object { j in
                j.key("segments")
                j.array(video.annotations.segments) { j, segment in
                    j.object { j in
                        j.member("start", segment.start)
                        j.member("end", segment.end)
                        j.member("text", segment.text)
                    }
                }
                j.key("narrations")
                j.array(video.annotations.narrations) { j, narration in
                    j.object { j in
                        j.member("time", narration.time)
                        j.member("text", narration.text)
                    }
                }
                j.key("characters")
                j.array(video.annotations.characters) { $0.string($1) }
                j.key("captions")
                j.array(video.annotations.captions) { $0.string($1) }
                j.member("firstPerson", video.annotations.firstPerson)
            }
        }
    }

    mutating func scene(_ scene: SceneTruth) {
        object { j in
            j.member("width", scene.width)
            j.member("height", scene.height)
            j.member("background", scene.background.rawValue)
            j.member("backgroundName", scene.backgroundName)
            j.key("objects")
            j.array(scene.objects) { j, o in
                j.object { j in
                    j.member("id", o.id)
                    j.member("shape", o.shape.rawValue)
                    j.member("color", o.color.rawValue)
                    j.member("size", o.size.rawValue)
                    j.member("pattern", o.pattern.rawValue)
                    j.member("centerX", o.centerX)
                    j.member("centerY", o.centerY)
                    j.member("radius", o.radius)
                    j.member("rotation", o.rotation)
                    j.member("z", o.z)
                    j.key("box")
                    j.box(o.box)
                    j.member("visibleFraction", o.visibleFraction)
                }
            }
            j.key("labels")
            j.array(scene.labels) { j, label in
                j.object { j in
                    j.member("id", label.id)
                    j.member("text", label.text)
                    j.member("signColor", label.signColor)
                    j.key("box")
                    j.box(label.box)
                }
            }
        }
    }

    mutating func annotatedImage(_ image: AnnotatedImage) {
        object { j in
            j.member("width", image.width)
            j.member("height", image.height)
            j.key("objects")
            j.array(image.objects) { j, o in
                j.object { j in
                    j.member("category", o.category)
                    j.key("box")
                    j.box(o.box)
                    j.member("isCrowd", o.isCrowd)
                }
            }
        }
    }

    mutating func box(_ box: Box) {
        object { j in
            j.member("x", box.x)
            j.member("y", box.y)
            j.member("width", box.width)
            j.member("height", box.height)
        }
    }

    mutating func filter(_ filter: ObjectFilter) {
        object { j in
            if let shape = filter.shape { j.member("shape", shape.rawValue) }
            if let color = filter.color { j.member("color", color.rawValue) }
            if let size = filter.size { j.member("size", size.rawValue) }
            if let pattern = filter.pattern { j.member("pattern", pattern.rawValue) }
            if let category = filter.category { j.member("category", category) }
        }
    }

    mutating func value(_ value: FactValue) {
        object { j in
            switch value {
            case .int(let n): j.enumCase("int") { $0.member("_0", n) }
            case .text(let t): j.enumCase("text") { $0.member("_0", t) }
            case .medium(let m): j.enumCase("medium") { $0.member("_0", m) }
            }
        }
    }

    mutating func answerCheck(_ check: AnswerCheck) {
        object { j in
            j.member("turn", check.turn)
            j.key("kind")
            j.object { j in
                switch check.kind {
                case .exact(let fact): j.enumCase("exact") { $0.key("_0"); $0.fact(fact) }
                case .choice(let fact): j.enumCase("choice") { $0.key("_0"); $0.fact(fact) }
                case .mentions(let fact): j.enumCase("mentions") { $0.key("_0"); $0.fact(fact) }
                case .claim(let fact, let candidate):
                    j.enumCase("claim") { j in
                        j.key("_0")
                        j.fact(fact)
                        j.key("candidate")
                        j.value(candidate)
                    }
                case .describes(let claim):
                    j.enumCase("describes") { j in
                        j.key("_0")
                        j.object { j in
                            j.member("image", claim.image)
                            j.key("items")
                            j.array(claim.items) { j, item in
                                j.object { j in
                                    j.member("shape", item.shape.rawValue)
                                    j.member("color", item.color.rawValue)
                                    j.member("size", item.size.rawValue)
                                    j.member("pattern", item.pattern.rawValue)
                                }
                            }
                            if let labels = claim.labels {
                                j.key("labels")
                                j.array(labels) { $0.string($1) }
                            }
                        }
                    }
                }
            }
            if let expected = check.expected {
                j.key("expected")
                j.value(expected)
            }
            if let span = check.span { j.member("span", span) }
        }
    }

    mutating func fact(_ fact: Fact) {
        object { j in
            switch fact {
            case .count(let image, let filter):
                j.enumCase("count") { $0.member("image", image); $0.key("filter"); $0.filter(filter) }
            case .attribute(let image, let selector, let attribute):
                j.enumCase("attribute") { j in
                    j.member("image", image)
                    j.key("selector")
                    j.filter(selector)
                    j.member("attribute", attribute.rawValue)
                }
            case .region(let image, let selector):
                j.enumCase("region") { $0.member("image", image); $0.key("selector"); $0.filter(selector) }
            case .boundingBox(let image, let selector):
                j.enumCase("boundingBox") { $0.member("image", image); $0.key("selector"); $0.filter(selector) }
            case .relation(let image, let subject, let reference):
                j.enumCase("relation") { j in
                    j.member("image", image)
                    j.key("subject")
                    j.filter(subject)
                    j.key("reference")
                    j.filter(reference)
                }
            case .labelText(let image, let signColor):
                j.enumCase("labelText") { j in
                    j.member("image", image)
                    if let signColor { j.member("signColor", signColor) }
                }
            case .numberSum(let image):
                j.enumCase("numberSum") { $0.member("image", image) }
            case .countDifference(let image, let more, let less):
                j.enumCase("countDifference") { j in
                    j.member("image", image)
                    j.key("more")
                    j.filter(more)
                    j.key("less")
                    j.filter(less)
                }
            case .remainingAfterRemoval(let image, let removed):
                j.enumCase("remainingAfterRemoval") { $0.member("image", image); $0.key("removed"); $0.filter(removed) }
            case .mostCommon(let image, let attribute):
                j.enumCase("mostCommon") { $0.member("image", image); $0.member("attribute", attribute.rawValue) }
            case .mediumContaining(let filter):
                j.enumCase("mediumContaining") { $0.key("filter"); $0.filter(filter) }
            case .totalCount(let filter):
                j.enumCase("totalCount") { $0.key("filter"); $0.filter(filter) }
            case .mediumWithMostObjects:
                j.enumCase("mediumWithMostObjects") { _ in }
            case .sharedByAll(let attribute):
                j.enumCase("sharedByAll") { $0.member("attribute", attribute.rawValue) }
            case .pairChange:
                j.enumCase("pairChange") { _ in }
            case .motionDirection(let selector):
                j.enumCase("motionDirection") { $0.key("selector"); $0.filter(selector) }
            case .firstFrame(let selector):
                j.enumCase("firstFrame") { $0.key("selector"); $0.filter(selector) }
            case .mediaContaining(let filter):
                j.enumCase("mediaContaining") { $0.key("filter"); $0.filter(filter) }
            case .lastFrame(let selector):
                j.enumCase("lastFrame") { $0.key("selector"); $0.filter(selector) }
            case .presence(let image, let filter):
                j.enumCase("presence") { $0.member("image", image); $0.key("filter"); $0.filter(filter) }
            case .larger(let image, let first, let second):
                j.enumCase("larger") { j in
                    j.member("image", image)
                    j.key("first")
                    j.filter(first)
                    j.key("second")
                    j.filter(second)
                }
            case .mediumWithMost(let filter):
                j.enumCase("mediumWithMost") { $0.key("filter"); $0.filter(filter) }
            case .datasetAnswer:
                j.enumCase("datasetAnswer") { _ in }
            case .frameOrder(let selector, let direction, let shown):
                j.enumCase("frameOrder") { j in
                    j.key("selector")
                    j.filter(selector)
                    j.member("direction", direction.rawValue)
                    j.key("shown")
                    j.array(shown) { $0.int($1) }
                }
            case .eventAfter(let event):
                j.enumCase("eventAfter") { $0.member("event", event) }
            case .eventAt(let time):
                j.enumCase("eventAt") { $0.member("time", time) }
            case .eventDuration(let event):
                j.enumCase("eventDuration") { $0.member("event", event) }
            case .eventOccurrences(let event):
                j.enumCase("eventOccurrences") { $0.member("event", event) }
            case .eventCount:
                j.enumCase("eventCount") { _ in }
            case .earlierEvent(let first, let second):
                j.enumCase("earlierEvent") { $0.member("first", first); $0.member("second", second) }
            case .nextAction(let after):
                j.enumCase("nextAction") { $0.member("after", after) }
            }
        }
    }
}
