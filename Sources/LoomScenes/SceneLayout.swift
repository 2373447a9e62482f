import Foundation
import LoomCore

/// Placement rules and helpers shared by every composer.
enum SceneLayout {
    /// Least distance in pixels between an object's box and the image border.
    static let edgeMargin = 6.0
    /// Least distance in pixels between the boxes of objects that must not touch, and between signs and objects.
    static let objectGap = 6.0
    /// Objects whose box centre lies closer than this (fraction of the side) to a 3×3 grid line are not moved
    /// from or to there, so the regions named in a change stay unambiguous.
    static let regionMargin = 0.05

    /// Pixel positions and sizes are kept to two decimals, so ground truth reads cleanly.
    static func rounded(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    /// The object with the given attributes and geometry; its box is the outline's tight box (rounded outwards to
    /// 1/100 pixel) and its visible fraction 1 until the scene is annotated.
    static func makeObject(
        id: Int, attributes: ObjectAttributes, center: ScenePoint, radius: Double, rotation: Double, z: Int
    ) -> SceneObject {
        let outline = ShapeOutline(shape: attributes.shape, center: center, radius: radius, rotation: rotation)
        let tight = outline.boundingBox
        let minX = (tight.x * 100).rounded(.down) / 100
        let minY = (tight.y * 100).rounded(.down) / 100
        let maxX = (tight.maxX * 100).rounded(.up) / 100
        let maxY = (tight.maxY * 100).rounded(.up) / 100
        return SceneObject(
            id: id, shape: attributes.shape, color: attributes.color, size: attributes.size,
            pattern: attributes.pattern, centerX: center.x, centerY: center.y, radius: radius, rotation: rotation, z: z,
            box: Box(x: minX, y: minY, width: rounded(maxX - minX), height: rounded(maxY - minY)), visibleFraction: 1)
    }

    /// The same object with its centre moved to `center` (box recomputed).
    static func moved(_ object: SceneObject, to center: ScenePoint) -> SceneObject {
        makeObject(
            id: object.id, attributes: ObjectAttributes(object), center: center, radius: object.radius,
            rotation: object.rotation, z: object.z)
    }

    /// A uniformly drawn centre at which the outline lies inside the image with the edge margin;
    /// nil when the outline is too large for the image.
    static func randomCenter(
        shape: Shape, radius: Double, rotation: Double, width: Int, height: Int, using rng: inout SeededGenerator
    ) -> ScenePoint? {
        guard let range = centerRange(shape: shape, radius: radius, rotation: rotation, width: width, height: height)
        else { return nil }
        return ScenePoint(x: rounded(rng.double(in: range.x)), y: rounded(rng.double(in: range.y)))
    }

    /// The centres at which the outline lies inside the image with the edge margin.
    static func centerRange(shape: Shape, radius: Double, rotation: Double, width: Int, height: Int)
        -> (x: ClosedRange<Double>, y: ClosedRange<Double>)?
    {
        let box = ShapeOutline(shape: shape, center: ScenePoint(x: 0, y: 0), radius: radius, rotation: rotation)
            .boundingBox
        // One pixel of slack absorbs the outward rounding of boxes.
        let lowX = edgeMargin + 1 - box.x
        let highX = Double(width) - edgeMargin - 1 - box.maxX
        let lowY = edgeMargin + 1 - box.y
        let highY = Double(height) - edgeMargin - 1 - box.maxY
        guard lowX <= highX, lowY <= highY else { return nil }
        return (lowX...highX, lowY...highY)
    }

    /// True when the box lies inside the image with the edge margin.
    static func isInside(_ box: Box, width: Int, height: Int) -> Bool {
        box.x >= edgeMargin && box.y >= edgeMargin && box.maxX <= Double(width) - edgeMargin
            && box.maxY <= Double(height) - edgeMargin
    }

    /// True when the box keeps the gap to every sign.
    static func isClear(_ box: Box, of labels: [TextLabel]) -> Bool {
        let grown = box.inset(by: objectGap)
        return !labels.contains { grown.intersects($0.box) }
    }

    /// True when the box keeps the gap to the box of every object in `others`.
    static func isSeparate(_ box: Box, from others: [SceneObject]) -> Bool {
        let grown = box.inset(by: objectGap)
        return !others.contains { grown.intersects($0.box) }
    }

    /// `isSeparate(box, from: [other])` without the array.
    static func isSeparate(_ box: Box, from other: SceneObject) -> Bool {
        !box.inset(by: objectGap).intersects(other.box)
    }

    /// The 3×3 grid region of the object's box centre, and how far that centre is from the nearest grid line.
    static func region(of object: SceneObject, width: Int, height: Int) -> (region: Region, margin: Double) {
        let (x, y) = (object.box.centerX, object.box.centerY)
        return (
            Region.containing(x: x, y: y, width: width, height: height),
            Region.margin(x: x, y: y, width: width, height: height)
        )
    }

    /// True when every object of the scene keeps at least `minVisible` of its area visible.
    static func meetsVisibility(_ objects: [SceneObject], minVisible: Double) -> Bool {
        objects.allSatisfy { $0.visibleFraction >= minVisible }
    }
}
