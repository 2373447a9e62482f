import LoomCore

/// One instantiated intent: the fact a question asks about, its value as the generator computed it,
/// plausible wrong values, and the words that fill the phrasing's placeholders.
struct IntentInstance {
    var fact: Fact
    var value: FactValue
    /// Distinct wrong values, none equal to `value` once rendered.
    var distractors: [FactValue]
    var bindings: TemplateBindings
    /// The sample's media to show, in this order, when a question shows them rearranged (positions into the
    /// sample's media); nil shows them all as they are.
    var mediaOrder: [Int]? = nil
    /// Extra bindings for a judgement that proposes `candidate` (e.g. "{candidate_objects}").
    var candidateBindings: (FactValue) -> TemplateBindings = { _ in [:] }
    /// For a judgement whose "no" comes from another fact rather than a wrong value (presence: "Is there a
    /// giraffe?" about a category the image lacks): that fact, claimed to have `value`, and its bindings.
    var negative: (fact: Fact, bindings: TemplateBindings)? = nil
}

/// What an intent sees of the sample.
struct IntentContext {
    let truth: SampleTruth
    let kind: SampleKind
    /// Wrong answers from the domain's template file.
    let distractorWords: [String]
    /// Every object category of the collection, sorted: where absent categories are drawn from.
    let categories: [String]
    /// The drawn scenes, one per medium (`truth.scenes`, which builds a new array each time it is asked: intents
    /// ask for it over and over).
    let scenes: [SceneTruth]

    init(truth: SampleTruth, kind: SampleKind, distractorWords: [String], categories: [String] = []) {
        self.truth = truth
        self.kind = kind
        self.distractorWords = distractorWords
        self.categories = categories
        scenes = truth.scenes
    }
    var mediumNoun: String { kind.mediumNoun }

    /// "image 2" / "frame 3".
    func medium(_ index: Int) -> String { "\(mediumNoun) \(index + 1)" }
}

/// An intent: computes one instance from ground truth, or nil when the sample cannot support it.
typealias Intent = @Sendable (IntentContext, inout SeededGenerator) -> IntentInstance?

/// Every intent the templates may name, by "domain.intent".
enum IntentLibrary {
    static let intents: [String: Intent] = [
        "counting.count_filter": CountingIntents.countFilter,
        "counting.count_in_medium": CountingIntents.countInMedium,
        "counting.total_count": CountingIntents.totalCount,
        "attribute_recognition.color_of": AttributeIntents.attributeOf(.color),
        "attribute_recognition.shape_of": AttributeIntents.attributeOf(.shape),
        "attribute_recognition.pattern_of": AttributeIntents.attributeOf(.pattern),
        "attribute_recognition.size_of": AttributeIntents.attributeOf(.size),
        "attribute_recognition.color_in_medium": AttributeIntents.colorInMedium,
        "object_localization.region_of": LocationIntents.regionOf,
        "object_localization.bounding_box_of": LocationIntents.boundingBoxOf,
        "object_localization.medium_containing": LocationIntents.mediumContaining,
        "spatial_relationship.relation": LocationIntents.relation,
        "spatial_relationship.motion_direction": TemporalIntents.motionDirection,
        "ocr.label_text": TextIntents.labelText,
        "numerical_calculation.number_sum": TextIntents.numberSum,
        "numerical_calculation.count_difference": CountingIntents.countDifference,
        "complex_reasoning.remaining_after_removal": CountingIntents.remainingAfterRemoval,
        "complex_reasoning.most_common": AttributeIntents.mostCommon,
        "complex_reasoning.medium_with_most_objects": CountingIntents.mediumWithMostObjects,
        "image_comparison.pair_change": ComparisonIntents.pairChange,
        "image_comparison.shared_by_all": ComparisonIntents.sharedByAll,
        "temporal_reasoning.first_frame": TemporalIntents.firstFrame,
        "temporal_reasoning.frames_containing": TemporalIntents.framesContaining,
        "temporal_reasoning.frame_order": TemporalIntents.frameOrder,
        // Grounded in the annotations of the user's images.
        "counting.count_category": AnnotationIntents.countCategory,
        "counting.count_category_in_medium": AnnotationIntents.countInMedium,
        "counting.total_category_count": AnnotationIntents.totalCount,
        "object_localization.category_presence": AnnotationIntents.presence,
        "object_localization.category_region": AnnotationIntents.region,
        "object_localization.category_bounding_box": AnnotationIntents.boundingBox,
        "object_localization.medium_containing_category": AnnotationIntents.mediumContaining,
        "spatial_relationship.category_relation": AnnotationIntents.relation,
        "object_relation.larger_object": AnnotationIntents.larger,
        // Grounded in a video's timestamped segments and narrations.
        "temporal_reasoning.event_after": TimelineIntents.eventAfter,
        "temporal_reasoning.event_at": TimelineIntents.eventAt,
        "temporal_reasoning.event_duration": TimelineIntents.eventDuration,
        "temporal_reasoning.event_occurrences": TimelineIntents.eventOccurrences,
        "temporal_reasoning.event_count": TimelineIntents.eventCount,
        "temporal_reasoning.earlier_event": TimelineIntents.earlierEvent,
        "temporal_reasoning.next_action": TimelineIntents.nextAction,
        "image_comparison.medium_with_most_category": AnnotationIntents.mediumWithMost,
    ]
}
