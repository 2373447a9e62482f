import LoomCore

/// Measures how much of each object stays visible under the objects drawn on top of it.
///
/// A fine grid of sample points over the object's box is tested exactly against the outlines
/// (`ShapeOutline.contains`), so the estimate is deterministic and accurate to about a percent.
enum VisibilityEstimator {
    /// Sample points per box side.
    static let resolution = 48

    /// The fraction of `object`'s area that none of `above` covers, rounded down to 1/1000.
    ///
    /// - Parameter above: objects drawn after `object`; those whose boxes miss it are skipped.
    static func visibleFraction(of object: SceneObject, under above: [SceneObject]) -> Double {
        let covering = above.filter { $0.box.intersects(object.box) }.map { (box: $0.box, outline: ShapeOutline($0)) }
        guard !covering.isEmpty else { return 1 }
        let outline = ShapeOutline(object)
        let box = object.box
        let stepX = box.width / Double(resolution)
        let stepY = box.height / Double(resolution)
        let reach = object.radius * object.radius
        var inside = 0
        var visible = 0
        for row in 0..<resolution {
            let y = box.y + (Double(row) + 0.5) * stepY
            for column in 0..<resolution {
                let x = box.x + (Double(column) + 0.5) * stepX
                // Cheap rejections first: the outline lies within its circumscribed circle, and a covering
                // shape within its box. They skip most exact tests without changing any answer.
                let dx = x - object.centerX
                let dy = y - object.centerY
                guard dx * dx + dy * dy <= reach, outline.contains(x: x, y: y) else { continue }
                inside += 1
                var covered = false
                for index in covering.indices {
                    let other = covering[index].box
                    if x >= other.x && x <= other.maxX && y >= other.y && y <= other.maxY
                        && covering[index].outline.contains(x: x, y: y)
                    {
                        covered = true
                        break
                    }
                }
                if !covered { visible += 1 }
            }
        }
        guard inside > 0 else { return 1 }
        return (Double(visible) / Double(inside) * 1000).rounded(.down) / 1000
    }

    /// The objects with `visibleFraction` filled in, sorted by drawing order.
    static func annotated(_ objects: [SceneObject]) -> [SceneObject] {
        let ordered = objects.sorted { $0.z < $1.z }
        return ordered.enumerated().map { index, object in
            var annotated = object
            annotated.visibleFraction = visibleFraction(of: object, under: Array(ordered[(index + 1)...]))
            return annotated
        }
    }
}
