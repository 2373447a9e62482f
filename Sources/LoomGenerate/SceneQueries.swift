import LoomCore

/// Generator-side questions about a scene: which objects a phrase picks out, nearby wrong numbers.
/// (The checker has its own, separate evaluation of facts.)
enum SceneQueries {
    /// Attribute combinations tried as references, fewest words first.
    private static let selectorShapes: [[Attribute]] = [
        [.shape], [.color, .shape], [.size, .shape], [.pattern, .shape], [.size, .color, .shape],
        [.color, .pattern, .shape], [.size, .color, .pattern, .shape], [.color], [.color, .pattern],
        [.size, .color], [.size, .color, .pattern],
    ]

    /// The shortest filter that matches `object` and no other object of `objects`, leaving out `excluded`.
    static func uniqueSelector(for object: SceneObject, among objects: [SceneObject], excluding excluded: Attribute? = nil)
        -> ObjectFilter?
    {
        for attributes in selectorShapes where excluded.map({ !attributes.contains($0) }) ?? true {
            let filter = filter(of: object, using: attributes)
            if objects.filter({ filter.matches($0) }).count == 1 { return filter }
        }
        return nil
    }

    /// A filter that sets the given attributes to the object's values.
    static func filter(of object: SceneObject, using attributes: [Attribute]) -> ObjectFilter {
        var filter = ObjectFilter()
        for attribute in attributes {
            switch attribute {
            case .shape: filter.shape = object.shape
            case .color: filter.color = object.color
            case .size: filter.size = object.size
            case .pattern: filter.pattern = object.pattern
            }
        }
        return filter
    }

    /// A filter to count with: everything, a shape, a colour, or a colour and shape; mostly of objects present.
    static func countingFilter(in objects: [SceneObject], rng: inout SeededGenerator) -> ObjectFilter {
        let roll = rng.int(in: 0...9)
        let anchor = rng.pick(objects)
        switch roll {
        case 0: return ObjectFilter()
        case 1: return ObjectFilter(shape: rng.pick(Shape.allCases))  // may be absent: "0" is a fine answer
        case 2...4: return ObjectFilter(shape: anchor?.shape)
        case 5...6: return ObjectFilter(color: anchor?.color)
        default: return ObjectFilter(shape: anchor?.shape, color: anchor?.color)
        }
    }

    /// Distinct non-negative numbers near `value`, excluding it, in random order.
    static func nearbyNumbers(_ value: Int, rng: inout SeededGenerator) -> [FactValue] {
        let candidates = ((value - 3)...(value + 4)).filter { $0 != value && $0 >= 0 }  // ascending, distinct
        return candidates.shuffled(using: &rng).map(FactValue.int)
    }

    /// Every other value of an enumeration, in random order, as text values.
    static func otherValues<T: RawRepresentable & CaseIterable>(_ value: T, rng: inout SeededGenerator) -> [FactValue]
    where T.RawValue == String, T: Equatable {
        T.allCases.filter { $0 != value }.shuffled(using: &rng).map { .text($0.rawValue) }
    }

    /// The other media positions of the sample, in random order.
    static func otherMedia(_ index: Int, count: Int, rng: inout SeededGenerator) -> [FactValue] {
        (0..<count).filter { $0 != index }.shuffled(using: &rng).map(FactValue.medium)
    }

    /// The whole set of objects seen anywhere in a sequence, one entry per id (first appearance).
    static func distinctObjects(_ scenes: [SceneTruth]) -> [SceneObject] {
        var seen: Set<Int> = []
        var out: [SceneObject] = []
        for scene in scenes {
            for object in scene.objects where seen.insert(object.id).inserted {
                out.append(object)
            }
        }
        return out
    }
}
