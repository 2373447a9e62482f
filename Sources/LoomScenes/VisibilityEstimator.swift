import LoomCore

/// Measures how much of each object stays visible under the objects drawn on top of it.
///
/// A fine grid of sample points over the object's box is tested exactly against the outlines, one row of the
/// grid at a time: each outline's crossings with the row (`ShapeOutline.crossings`) become a bit mask of the
/// grid columns it covers, so a row costs a few edge intersections instead of a point-in-polygon test per
/// point. The estimate is deterministic and accurate to about a percent.
enum VisibilityEstimator {
    /// Sample points per box side (at most 64: a row is one `UInt64` mask).
    static let resolution = 48

    /// The fraction of `object`'s area that none of `above` covers, rounded down to 1/1000.
    ///
    /// - Parameter above: objects drawn after `object`; those whose boxes miss it are skipped.
    static func visibleFraction(of object: SceneObject, under above: [SceneObject]) -> Double {
        let covering = above.filter { $0.box.intersects(object.box) }.map { (box: $0.box, outline: ShapeOutline($0)) }
        guard !covering.isEmpty else { return 1 }
        let outline = ShapeOutline(object)
        let grid = Grid(box: object.box)
        var crossings: [Double] = []
        crossings.reserveCapacity(12)
        var inside = 0
        var visible = 0
        for row in 0..<resolution {
            let y = object.box.y + (Double(row) + 0.5) * grid.stepY
            outline.crossings(atY: y, into: &crossings)
            let own = grid.columns(inside: crossings)
            guard own != 0 else { continue }
            var covered: UInt64 = 0
            for other in covering where y >= other.box.y && y <= other.box.maxY {
                other.outline.crossings(atY: y, into: &crossings)
                covered |= grid.columns(inside: crossings)
                if own & ~covered == 0 { break }
            }
            inside += own.nonzeroBitCount
            visible += (own & ~covered).nonzeroBitCount
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

    /// The sample grid over one box: column `j` of a row sits at `x + (j + 0.5) * stepX`.
    private struct Grid {
        let originX: Double
        let stepX: Double
        let stepY: Double

        init(box: Box) {
            originX = box.x
            stepX = box.width / Double(resolution)
            stepY = box.height / Double(resolution)
        }

        /// The columns whose sample points fall in `[c0, c1)`, `[c2, c3)`, … as bits.
        func columns(inside crossings: [Double]) -> UInt64 {
            var mask: UInt64 = 0
            var index = 0
            while index + 1 < crossings.count {
                let first = firstColumn(atOrAfter: crossings[index])
                let end = firstColumn(atOrAfter: crossings[index + 1])
                if end > first { mask |= ((1 << UInt64(end - first)) - 1) << UInt64(first) }
                index += 2
            }
            return mask
        }

        /// The first column whose sample point is at or right of `x`, clamped to the grid.
        private func firstColumn(atOrAfter x: Double) -> Int {
            let position = ((x - originX) / stepX - 0.5).rounded(.up)
            return Int(max(0, min(Double(resolution), position)))
        }
    }
}
