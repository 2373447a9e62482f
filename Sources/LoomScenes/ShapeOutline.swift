import Foundation
import LoomCore

/// A point in image pixels, origin at the top left, y growing downwards.
public struct ScenePoint: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// The exact outline of a scene object: the single definition of every shape's geometry.
///
/// The composer uses it for bounding boxes and visibility, the renderer draws the very same outline,
/// so ground truth and pixels cannot disagree.
///
/// Every shape fits its circumscribed circle of `radius` around the centre. At rotation 0 the triangle and the
/// star point up, the square's sides are axis-aligned, the hexagon has a vertex on the right and the diamond is
/// a tall rhombus.
public struct ShapeOutline: Sendable, Hashable {
    /// Half-width of the diamond relative to its half-height.
    public static let diamondAspect = 0.62
    /// Inner radius of the star's concave corners relative to its outer radius.
    public static let starInnerRatio = 0.45

    public let shape: Shape
    public let center: ScenePoint
    public let radius: Double
    public let rotation: Double
    /// The polygon's corners in drawing order (empty for a circle).
    public let vertices: [ScenePoint]

    public init(shape: Shape, center: ScenePoint, radius: Double, rotation: Double) {
        self.shape = shape
        self.center = center
        self.radius = radius
        self.rotation = rotation
        vertices = Self.corners(shape: shape, center: center, radius: radius, rotation: rotation)
    }

    /// The outline of a scene object as drawn.
    public init(_ object: SceneObject) {
        self.init(
            shape: object.shape, center: ScenePoint(x: object.centerX, y: object.centerY), radius: object.radius,
            rotation: object.rotation)
    }

    /// The tight axis-aligned bounding box of the outline.
    public var boundingBox: Box {
        guard shape != .circle else {
            return Box(x: center.x - radius, y: center.y - radius, width: 2 * radius, height: 2 * radius)
        }
        var (minX, minY) = (Double.infinity, Double.infinity)
        var (maxX, maxY) = (-Double.infinity, -Double.infinity)
        for vertex in vertices {
            minX = min(minX, vertex.x)
            maxX = max(maxX, vertex.x)
            minY = min(minY, vertex.y)
            maxY = max(maxY, vertex.y)
        }
        return Box(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    /// True when the point lies inside the outline (points exactly on an edge may go either way).
    public func contains(_ point: ScenePoint) -> Bool {
        contains(x: point.x, y: point.y)
    }

    /// True when (`x`, `y`) lies inside the outline.
    public func contains(x: Double, y: Double) -> Bool {
        if shape == .circle {
            let dx = x - center.x
            let dy = y - center.y
            return dx * dx + dy * dy <= radius * radius
        }
        // Even-odd crossing test; valid for the concave star as well as the convex polygons.
        var inside = false
        var previous = vertices[vertices.count - 1]
        for vertex in vertices {
            if (vertex.y > y) != (previous.y > y) {
                let crossingX = vertex.x + (y - vertex.y) * (previous.x - vertex.x) / (previous.y - vertex.y)
                if x < crossingX { inside.toggle() }
            }
            previous = vertex
        }
        return inside
    }

    /// Where the horizontal line at `y` enters and leaves the outline: sorted x values, inside on
    /// `[x0, x1)`, `[x2, x3)`, …, exactly the points `contains` accepts on that line. Replaces `into`'s contents.
    public func crossings(atY y: Double, into out: inout [Double]) {
        out.removeAll(keepingCapacity: true)
        if shape == .circle {
            let dy = y - center.y
            let remaining = radius * radius - dy * dy
            guard remaining >= 0 else { return }
            let half = remaining.squareRoot()
            out.append(center.x - half)
            out.append(center.x + half)
            return
        }
        var previous = vertices[vertices.count - 1]
        for vertex in vertices {
            if (vertex.y > y) != (previous.y > y) {
                let crossingX = vertex.x + (y - vertex.y) * (previous.x - vertex.x) / (previous.y - vertex.y)
                // Insertion sort: at most ten crossings (the star).
                var index = out.count
                out.append(crossingX)
                while index > 0 && out[index - 1] > crossingX {
                    out[index] = out[index - 1]
                    index -= 1
                }
                out[index] = crossingX
            }
            previous = vertex
        }
    }

    private static func corners(shape: Shape, center: ScenePoint, radius: Double, rotation: Double) -> [ScenePoint] {
        // Corners in the object's own frame (unit circumradius, y down), before rotation.
        let local: [(Double, Double)]
        switch shape {
        case .circle:
            return []
        case .square:
            local = regular(count: 4, startAngle: -.pi * 3 / 4)
        case .triangle:
            local = regular(count: 3, startAngle: -.pi / 2)
        case .hexagon:
            local = regular(count: 6, startAngle: 0)
        case .diamond:
            local = [(0, -1), (diamondAspect, 0), (0, 1), (-diamondAspect, 0)]
        case .star:
            local = (0..<10).map { index in
                let angle = -Double.pi / 2 + Double(index) * .pi / 5
                let scale = index.isMultiple(of: 2) ? 1 : starInnerRatio
                return (scale * cos(angle), scale * sin(angle))
            }
        }
        let (cosine, sine) = (cos(rotation), sin(rotation))
        return local.map { x, y in
            ScenePoint(
                x: center.x + radius * (x * cosine - y * sine),
                y: center.y + radius * (x * sine + y * cosine))
        }
    }

    /// Corners of a regular polygon on the unit circle, clockwise on screen from `startAngle`.
    private static func regular(count: Int, startAngle: Double) -> [(Double, Double)] {
        (0..<count).map { index in
            let angle = startAngle + Double(index) * 2 * .pi / Double(count)
            return (cos(angle), sin(angle))
        }
    }
}
