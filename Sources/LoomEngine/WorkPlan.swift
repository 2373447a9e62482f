import LoomCore
import LoomRecipe

/// One sample the run will make: which kind, its position among its kind, and its stable id.
public struct PlannedSample: Sendable, Hashable {
    public var id: String
    public var kind: SampleKind
    public var ordinal: Int
}

/// Every sample a recipe asks for, in a fixed order. Ids depend only on the seed, the kind and the ordinal.
public struct WorkPlan: Sendable {
    public let samples: [PlannedSample]

    public init(recipe: Recipe) {
        var samples: [PlannedSample] = []
        if let scenes = recipe.scenes {
            for (kind, count) in [
                (SampleKind.single, scenes.singles), (.pair, scenes.pairs), (.set, scenes.sets), (.sequence, scenes.sequences),
            ] {
                for ordinal in 0..<count {
                    let id = StableID.derive("smp", String(recipe.seed), kind.rawValue, String(ordinal))
                    samples.append(PlannedSample(id: id, kind: kind, ordinal: ordinal))
                }
            }
        }
        self.samples = samples
    }
}
