/// The verb–object diversity of the instructions: the most common root verbs and, per verb, its most common
/// object nouns (computed by `InstructionVerbs`).
public struct VerbDiversity: Sendable, Hashable, Codable {
    /// One root verb with its count and top objects.
    public struct Verb: Sendable, Hashable, Codable {
        public var verb: String
        public var count: Int
        /// Its most common objects, largest first.
        public var objects: [LabelCount]
        /// Instructions with this verb and an object not among `objects`.
        public var otherObjects: Int
        /// Instructions with this verb and no noun object.
        public var withoutObject: Int
    }

    /// English instructions analysed.
    public var analysed = 0
    /// Those in which a root verb was found.
    public var withVerb = 0
    public var distinctVerbs = 0
    public var distinctPairs = 0
    /// The top verbs, largest first.
    public var verbs: [Verb] = []

    public init() {}
}

/// Counts verb–object pairs as instructions stream by; memory grows with the vocabulary, not the records.
struct VerbDiversityCounter {
    /// Pairs per verb; the object "" stands for none.
    private var pairs: [String: [String: Int]] = [:]
    private var analysed = 0
    private var withVerb = 0

    mutating func add(_ found: VerbObject?) {
        analysed += 1
        guard let found else { return }
        withVerb += 1
        pairs[found.verb, default: [:]][found.object ?? "", default: 0] += 1
    }

    func result(topVerbs: Int, topObjects: Int) -> VerbDiversity {
        var out = VerbDiversity()
        out.analysed = analysed
        out.withVerb = withVerb
        out.distinctVerbs = pairs.count
        out.distinctPairs = pairs.values.reduce(0) { $0 + $1.keys.filter { !$0.isEmpty }.count }
        let totals = pairs.mapValues { $0.values.reduce(0, +) }
        let ranked = totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(topVerbs)
        out.verbs = ranked.map { verb, count in
            let objects = pairs[verb] ?? [:]
            let withoutObject = objects[""] ?? 0
            var named = objects
            named[""] = nil
            let top = Array(LabelCount.sorted(named).prefix(topObjects))
            let shown = top.reduce(0) { $0 + $1.count }
            return VerbDiversity.Verb(
                verb: verb, count: count, objects: top, otherObjects: count - withoutObject - shown,
                withoutObject: withoutObject)
        }
        return out
    }
}
