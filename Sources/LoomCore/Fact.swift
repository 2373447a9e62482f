/// Selects objects by their attributes; unset fields match anything.
///
/// Drawn scene objects are selected by shape, colour, size and pattern; annotated objects of the user's images
/// by `category` alone. A filter that sets a category matches no scene object, and one that sets a scene
/// attribute matches no annotated object.
public struct ObjectFilter: Codable, Sendable, Hashable {
    public var shape: Shape?
    public var color: ObjectColor?
    public var size: SizeClass?
    public var pattern: Pattern?
    /// An annotated object's category name, exactly as the collection spells it ("dog", "traffic light").
    public var category: String?

    public init(
        shape: Shape? = nil, color: ObjectColor? = nil, size: SizeClass? = nil, pattern: Pattern? = nil,
        category: String? = nil
    ) {
        self.shape = shape
        self.color = color
        self.size = size
        self.pattern = pattern
        self.category = category
    }

    /// A filter for the annotated objects of one category.
    public static func category(_ name: String) -> ObjectFilter { ObjectFilter(category: name) }

    /// True when the filter sets any attribute of drawn scene objects.
    public var setsSceneAttributes: Bool { shape != nil || color != nil || size != nil || pattern != nil }

    /// True when `object` has every attribute the filter sets.
    public func matches(_ object: SceneObject) -> Bool {
        category == nil && (shape == nil || shape == object.shape) && (color == nil || color == object.color)
            && (size == nil || size == object.size) && (pattern == nil || pattern == object.pattern)
    }

    /// True when `object` is of the filter's category (and the filter sets nothing a photo cannot have).
    public func matches(_ object: AnnotatedObject) -> Bool {
        !setsSceneAttributes && (category == nil || category == object.category)
    }
}

/// A question about the ground truth with exactly one correct value.
///
/// Every generated answer is tied to a fact, so that an independent checker can recompute it.
/// `image` is the 0-based position of the medium within the sample.
public enum Fact: Codable, Sendable, Hashable {
    /// How many objects in one image match the filter.
    case count(image: Int, filter: ObjectFilter)
    /// One attribute of the single object that the selector matches.
    case attribute(image: Int, selector: ObjectFilter, attribute: Attribute)
    /// The 3×3 grid region of the selected object's centre.
    case region(image: Int, selector: ObjectFilter)
    /// The selected object's bounding box, normalized to 0...1 and written `[x1, y1, x2, y2]` with two decimals.
    case boundingBox(image: Int, selector: ObjectFilter)
    /// Where the subject is relative to the reference object.
    case relation(image: Int, subject: ObjectFilter, reference: ObjectFilter)
    /// The text of the only sign with the given colour (or the only sign, when the colour is nil).
    case labelText(image: Int, signColor: String?)
    /// The sum of the numbers shown on the signs of one image.
    case numberSum(image: Int)
    /// How many more objects match `more` than `less`.
    case countDifference(image: Int, more: ObjectFilter, less: ObjectFilter)
    /// How many objects would remain if every object matching the filter were removed.
    case remainingAfterRemoval(image: Int, removed: ObjectFilter)
    /// The attribute value shared by more objects than any other value.
    case mostCommon(image: Int, attribute: Attribute)
    /// The only medium that contains an object matching the filter.
    case mediumContaining(filter: ObjectFilter)
    /// How many objects match the filter across all media.
    case totalCount(filter: ObjectFilter)
    /// The medium with the most objects.
    case mediumWithMostObjects
    /// The value of an attribute that appears in every medium (and is the only such value).
    case sharedByAll(attribute: Attribute)
    /// What changed between the two images of a pair.
    case pairChange
    /// The direction in which the selected object moves over the sequence.
    case motionDirection(selector: ObjectFilter)
    /// The first frame in which the selected object is visible.
    case firstFrame(selector: ObjectFilter)
    /// In how many media an object matching the filter is visible.
    case mediaContaining(filter: ObjectFilter)
    /// The last frame in which the selected object is visible.
    case lastFrame(selector: ObjectFilter)
    /// Whether one image holds an object matching the filter: "yes" or "no".
    case presence(image: Int, filter: ObjectFilter)
    /// Which of two objects of one image has the larger bounding box: the noun of the larger one.
    case larger(image: Int, first: ObjectFilter, second: ObjectFilter)
    /// The only medium with more objects matching the filter than any other.
    case mediumWithMost(filter: ObjectFilter)
    /// The answer a converted dataset's row gives.
    case datasetAnswer
    /// Frames shown out of order (`shown[p]` is the sequence frame at shown position p), put back in time order
    /// using the selected object's steady motion in `direction`: the shown positions (from 1), earliest first,
    /// written "3, 1, 4, 2".
    case frameOrder(selector: ObjectFilter, direction: MotionDirection, shown: [Int])
    /// The text of the video segment that comes right after the segment with this text: the next one to start,
    /// starting once this one has ended, with no other segment starting in between.
    case eventAfter(event: String)
    /// The text of the only video segment going on at `time` seconds.
    case eventAt(time: Double)
    /// How long the video segment with this text lasts, in whole seconds.
    case eventDuration(event: String)
    /// How many of the video's segments have this text.
    case eventOccurrences(event: String)
    /// How many segments the video's annotations divide it into.
    case eventCount
    /// Of two video segments that do not overlap, the text of the one that happens first.
    case earlierEvent(first: String, second: String)
    /// The text of the narration that follows the narration with this text (what the camera wearer does next).
    case nextAction(after: String)
}

/// The value of a fact: what a checker compares.
public enum FactValue: Codable, Sendable, Hashable {
    case int(Int)
    case text(String)
    /// A 0-based medium position; written "image 2" or "frame 2".
    case medium(Int)

    /// The canonical spelling used in answers.
    public func rendered(mediumNoun: String) -> String {
        switch self {
        case .int(let value): String(value)
        case .text(let value): value
        case .medium(let index): "\(mediumNoun) \(index + 1)"
        }
    }
}

/// The objects, signs and background a long description claims, so the checker can compare them with the truth.
public struct DescriptionClaim: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var shape: Shape
        public var color: ObjectColor
        public var size: SizeClass
        public var pattern: Pattern
        public init(shape: Shape, color: ObjectColor, size: SizeClass, pattern: Pattern) {
            self.shape = shape
            self.color = color
            self.size = size
            self.pattern = pattern
        }
    }

    public var image: Int
    public var items: [Item]
    /// The sign texts the description states; nil when it says nothing about text.
    public var labels: [String]?

    public init(image: Int, items: [Item], labels: [String]?) {
        self.image = image
        self.items = items
        self.labels = labels
    }
}

/// How one assistant turn is tied to the ground truth.
public struct AnswerCheck: Codable, Sendable, Hashable {
    public enum Kind: Codable, Sendable, Hashable {
        /// The whole answer is the fact's value (short VQA).
        case exact(Fact)
        /// The answer is the letter of the one option equal to the fact's value (multiple choice).
        case choice(Fact)
        /// The question asks whether the fact's value is `candidate`; the answer is yes or no (judgement).
        case claim(Fact, candidate: FactValue)
        /// The answer states the fact's value somewhere in its text (long answers, conversations).
        case mentions(Fact)
        /// The answer describes exactly the objects and signs of one image.
        case describes(DescriptionClaim)
    }

    /// Index into the record's turns of the assistant turn this check covers.
    public var turn: Int
    public var kind: Kind
    /// The value the generator computed; the checker recomputes it on its own and compares.
    public var expected: FactValue?
    /// For `mentions` and `describes`: the part of the answer that states the fact. Nil means the whole answer.
    public var span: String?

    public init(turn: Int, kind: Kind, expected: FactValue?, span: String? = nil) {
        self.turn = turn
        self.kind = kind
        self.expected = expected
        self.span = span
    }
}
