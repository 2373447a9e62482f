import LoomCore

/// The knobs of procedural scene composition.
///
/// Decoding fills every missing field with its default, so a recipe needs to name only what it changes.
public struct SceneSettings: Codable, Sendable, Hashable {
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Fewest objects in one image.
    public var minObjects: Int
    /// Most objects in one image.
    public var maxObjects: Int
    /// Fewest text signs in one image.
    public var minLabels: Int
    /// Most text signs in one image.
    public var maxLabels: Int
    /// The largest fraction of an object that objects drawn on top of it may hide.
    public var maxOcclusion: Double

    public init(
        width: Int = 512, height: Int = 384, minObjects: Int = 3, maxObjects: Int = 8, minLabels: Int = 0,
        maxLabels: Int = 2, maxOcclusion: Double = 0.35
    ) {
        self.width = width
        self.height = height
        self.minObjects = minObjects
        self.maxObjects = maxObjects
        self.minLabels = minLabels
        self.maxLabels = maxLabels
        self.maxOcclusion = maxOcclusion
    }

    public init(from decoder: any Decoder) throws {
        let defaults = SceneSettings()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decodeIfPresent(Int.self, forKey: .width) ?? defaults.width
        height = try container.decodeIfPresent(Int.self, forKey: .height) ?? defaults.height
        minObjects = try container.decodeIfPresent(Int.self, forKey: .minObjects) ?? defaults.minObjects
        maxObjects = try container.decodeIfPresent(Int.self, forKey: .maxObjects) ?? defaults.maxObjects
        minLabels = try container.decodeIfPresent(Int.self, forKey: .minLabels) ?? defaults.minLabels
        maxLabels = try container.decodeIfPresent(Int.self, forKey: .maxLabels) ?? defaults.maxLabels
        maxOcclusion = try container.decodeIfPresent(Double.self, forKey: .maxOcclusion) ?? defaults.maxOcclusion
    }

    /// The smallest fraction of every object that must stay visible: `1 - maxOcclusion`.
    public var minVisibleFraction: Double { 1 - maxOcclusion }

    /// Limits on the image size, in pixels.
    public static let sideRange = 128...4096
    /// The most objects one image may hold, whatever its size.
    public static let objectLimit = 24

    /// Problems that would make composition fail or produce unusable scenes; empty when the settings are usable.
    public func validate() -> [String] {
        var problems: [String] = []
        for (name, side) in [("width", width), ("height", height)] where !Self.sideRange.contains(side) {
            let (low, high) = (Self.sideRange.lowerBound, Self.sideRange.upperBound)
            problems.append("\(name) is \(side); it must be between \(low) and \(high) pixels")
        }
        if minObjects < 1 { problems.append("minObjects is \(minObjects); every scene needs at least 1 object") }
        if maxObjects < minObjects {
            problems.append("maxObjects (\(maxObjects)) is less than minObjects (\(minObjects))")
        }
        if maxObjects > Self.objectLimit {
            problems.append("maxObjects is \(maxObjects); at most \(Self.objectLimit) objects fit a scene")
        }
        if minLabels < 0 { problems.append("minLabels is \(minLabels); it cannot be negative") }
        if maxLabels < minLabels { problems.append("maxLabels (\(maxLabels)) is less than minLabels (\(minLabels))") }
        if maxLabels > SignCatalog.colors.count {
            let limit = SignCatalog.colors.count
            problems.append("maxLabels is \(maxLabels); at most \(limit) signs fit an image, one per sign colour")
        }
        if !(0.0...0.9).contains(maxOcclusion) {
            problems.append("maxOcclusion is \(maxOcclusion); it must be between 0 and 0.9")
        }
        if problems.isEmpty, objectFootprint > Self.packingLimit * Double(width * height) {
            problems.append(
                "\(maxObjects) objects do not fit a \(width)×\(height) image; allow fewer objects or a larger image")
        }
        return problems
    }

    /// The share of the image that `maxObjects` medium-sized objects, with their spacing, may claim.
    ///
    /// Measured: at this limit scenes keep their full object count (a 512×384 image holds 16 objects, a
    /// 256×256 one 10, a 128×128 one 7); a little beyond it the composer starts to settle for fewer.
    static let packingLimit = 0.65

    /// The area `maxObjects` medium-sized objects claim, spacing included.
    private var objectFootprint: Double {
        let radius = SizeClass.medium.radiusFraction.upperBound * Double(min(width, height))
        let side = 2 * radius + 2 * SceneLayout.objectGap
        return Double(maxObjects) * side * side
    }
}

extension SceneSettings {
    /// The settings with every range made usable, so that composition cannot trap on bad input
    /// (`validate()` reports such problems to the user).
    var sanitized: SceneSettings {
        var settings = self
        settings.width = max(16, width)
        settings.height = max(16, height)
        settings.minObjects = min(Self.objectLimit, max(1, minObjects))
        settings.maxObjects = min(Self.objectLimit, max(settings.minObjects, maxObjects))
        settings.maxLabels = max(0, min(maxLabels, SignCatalog.colors.count))
        settings.minLabels = max(0, min(minLabels, settings.maxLabels))
        settings.maxOcclusion = min(0.9, max(0, maxOcclusion))
        return settings
    }
}
