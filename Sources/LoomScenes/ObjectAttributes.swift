import Foundation
import LoomCore

/// The four attributes that name an object ("large red striped circle").
struct ObjectAttributes: Sendable, Hashable {
    var shape: Shape
    var color: ObjectColor
    var size: SizeClass
    var pattern: Pattern

    init(shape: Shape, color: ObjectColor, size: SizeClass, pattern: Pattern) {
        self.shape = shape
        self.color = color
        self.size = size
        self.pattern = pattern
    }

    init(_ object: SceneObject) {
        self.init(shape: object.shape, color: object.color, size: object.size, pattern: object.pattern)
    }

    /// A uniformly drawn combination that is not in `taken`.
    ///
    /// - Parameters:
    ///   - shape: forces the shape when set.
    ///   - forbiddenShapes: shapes not to use (ignored for a forced shape).
    static func random(
        avoiding taken: [ObjectAttributes], shape: Shape? = nil, forbiddenShapes: [Shape] = [],
        using rng: inout SeededGenerator
    ) -> ObjectAttributes? {
        let shapes = shape.map { [$0] } ?? Shape.allCases.filter { !forbiddenShapes.contains($0) }
        guard !shapes.isEmpty else { return nil }
        for _ in 0..<64 {
            let candidate = ObjectAttributes(
                shape: rng.pick(shapes)!, color: rng.pick(ObjectColor.allCases)!, size: rng.pick(SizeClass.allCases)!,
                pattern: rng.pick(Pattern.allCases)!)
            if !taken.contains(candidate) { return candidate }
        }
        return nil
    }

    /// A radius for this size class, drawn uniformly from its range on an image whose shorter side is `side`.
    func randomRadius(side: Double, using rng: inout SeededGenerator) -> Double {
        SceneLayout.rounded(rng.double(in: size.radiusFraction) * side)
    }

    /// A rotation that keeps the shape's name obvious: squares and diamonds tilt only a little (a square turned
    /// by 45° would read as a diamond), triangles stay roughly upright, hexagons and stars turn freely.
    func randomRotation(using rng: inout SeededGenerator) -> Double {
        let degrees: Double =
            switch shape {
            case .circle: 0
            case .square, .diamond: rng.double(in: -15...15)
            case .triangle: rng.double(in: -20...20)
            case .hexagon: rng.double(in: 0...60)
            case .star: rng.double(in: 0...72)
            }
        return (degrees * .pi / 180 * 10_000).rounded() / 10_000
    }
}
