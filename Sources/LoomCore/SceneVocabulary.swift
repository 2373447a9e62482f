/// The closed vocabulary procedural scenes are drawn from. Every value has one canonical English name,
/// used both when questions are phrased and when answers are checked.

/// The outline of a scene object.
public enum Shape: String, Codable, Sendable, CaseIterable, Hashable {
    case circle, square, triangle, star, hexagon, diamond

    /// The plural noun ("circles").
    public var plural: String { rawValue + "s" }
}

/// A named colour with its sRGB value.
public enum ObjectColor: String, Codable, Sendable, CaseIterable, Hashable {
    case red, orange, yellow, green, cyan, blue, purple, pink, brown, gray

    /// sRGB components in 0...1, chosen so that neighbouring names stay distinguishable.
    public var rgb: (red: Double, green: Double, blue: Double) {
        switch self {
        case .red: (0.86, 0.12, 0.12)
        case .orange: (0.98, 0.55, 0.05)
        case .yellow: (0.96, 0.86, 0.10)
        case .green: (0.13, 0.62, 0.20)
        case .cyan: (0.10, 0.78, 0.85)
        case .blue: (0.12, 0.28, 0.85)
        case .purple: (0.50, 0.20, 0.70)
        case .pink: (0.97, 0.55, 0.75)
        case .brown: (0.50, 0.30, 0.12)
        case .gray: (0.50, 0.50, 0.50)
        }
    }
}

/// A size class. The radius ranges of the classes do not overlap, so the class is visible in the image.
public enum SizeClass: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    case small, medium, large

    /// Radius range as a fraction of the shorter image side.
    public var radiusFraction: ClosedRange<Double> {
        switch self {
        case .small: 0.045...0.06
        case .medium: 0.085...0.10
        case .large: 0.13...0.15
        }
    }

    private var order: Int {
        switch self {
        case .small: 0
        case .medium: 1
        case .large: 2
        }
    }

    public static func < (lhs: SizeClass, rhs: SizeClass) -> Bool { lhs.order < rhs.order }
}

/// The surface of an object: a material or a pattern.
public enum Pattern: String, Codable, Sendable, CaseIterable, Hashable {
    case solid, striped, dotted, checkered, metallic
}

/// The background a scene is drawn on.
public enum BackgroundStyle: String, Codable, Sendable, CaseIterable, Hashable {
    case plain, gradient, grid, dots, wood
}

/// An object attribute that a question can ask about.
public enum Attribute: String, Codable, Sendable, CaseIterable, Hashable {
    case shape, color, size, pattern
}

/// One of nine regions of a 3×3 grid laid over an image.
public enum Region: String, Codable, Sendable, CaseIterable, Hashable {
    case topLeft = "top left", top = "top", topRight = "top right"
    case left = "left", center = "center", right = "right"
    case bottomLeft = "bottom left", bottom = "bottom", bottomRight = "bottom right"

    /// Each region's place in reading order (top left 0 … bottom right 8): the order the cases are declared in.
    public static let readingRank: [Region: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// The region with its preposition, as a sentence uses it: "in the top left", "at the top", "on the left".
    public var phrase: String {
        switch self {
        case .top, .bottom: "at the \(rawValue)"
        case .left, .right: "on the \(rawValue)"
        default: "in the \(rawValue)"
        }
    }
}

/// The position of one object relative to another.
public enum SpatialRelation: String, Codable, Sendable, CaseIterable, Hashable {
    case leftOf = "left of", rightOf = "right of", above = "above", below = "below"
}

/// The four directions of motion in a frame sequence.
public enum MotionDirection: String, Codable, Sendable, CaseIterable, Hashable {
    case left, right, up, down
}
