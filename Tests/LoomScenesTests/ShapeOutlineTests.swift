import Foundation
import LoomCore
import Testing

@testable import LoomScenes

@Suite struct ShapeOutlineTests {
    let center = ScenePoint(x: 100, y: 80)

    @Test(arguments: Shape.allCases)
    func containsItsCentreButNotFarPoints(shape: Shape) {
        let outline = ShapeOutline(shape: shape, center: center, radius: 30, rotation: 0.3)
        #expect(outline.contains(center))
        #expect(!outline.contains(ScenePoint(x: 131, y: 80)))
        #expect(!outline.contains(ScenePoint(x: 100, y: 111)))
        #expect(!outline.contains(ScenePoint(x: 70, y: 50)))
    }

    @Test(arguments: Shape.allCases)
    func boundingBoxIsTightAroundTheOutline(shape: Shape) {
        let outline = ShapeOutline(shape: shape, center: center, radius: 30, rotation: 0.7)
        let box = outline.boundingBox
        // Every inside point lies in the box, and the box's edges are touched.
        var touches = (left: false, right: false, top: false, bottom: false)
        let steps = 400
        for row in 0...steps {
            for column in 0...steps {
                let x = 60 + 80 * Double(column) / Double(steps)
                let y = 40 + 80 * Double(row) / Double(steps)
                guard outline.contains(x: x, y: y) else { continue }
                #expect(x >= box.x - 1e-9 && x <= box.maxX + 1e-9 && y >= box.y - 1e-9 && y <= box.maxY + 1e-9)
                if x - box.x < 0.5 { touches.left = true }
                if box.maxX - x < 0.5 { touches.right = true }
                if y - box.y < 0.5 { touches.top = true }
                if box.maxY - y < 0.5 { touches.bottom = true }
            }
        }
        #expect(touches.left && touches.right && touches.top && touches.bottom)
    }

    @Test func axisAlignedSquareHasTheExpectedCorners() {
        let outline = ShapeOutline(shape: .square, center: center, radius: 10 * 2.0.squareRoot(), rotation: 0)
        let box = outline.boundingBox
        #expect(abs(box.x - 90) < 1e-9 && abs(box.y - 70) < 1e-9)
        #expect(abs(box.width - 20) < 1e-9 && abs(box.height - 20) < 1e-9)
    }

    @Test func unrotatedTriangleAndStarPointUp() {
        for shape in [Shape.triangle, .star] {
            let outline = ShapeOutline(shape: shape, center: center, radius: 30, rotation: 0)
            #expect(abs(outline.boundingBox.y - 50) < 1e-9, "\(shape) should reach the top of its circle")
            #expect(outline.boundingBox.maxY < 110)
        }
    }

    @Test func starIsConcave() {
        let outline = ShapeOutline(shape: .star, center: center, radius: 30, rotation: 0)
        #expect(outline.vertices.count == 10)
        // Between two upper arms, just outside the inner corner, lies background.
        let inner = outline.vertices[1]
        let outward = ScenePoint(x: center.x + (inner.x - center.x) * 1.3, y: center.y + (inner.y - center.y) * 1.3)
        #expect(!outline.contains(outward))
        let inward = ScenePoint(x: center.x + (inner.x - center.x) * 0.9, y: center.y + (inner.y - center.y) * 0.9)
        #expect(outline.contains(inward))
    }

    /// Areas of the shapes with circumradius 1.
    static let unitAreas: [(Shape, Double)] = [
        (.circle, .pi), (.square, 2), (.hexagon, 3 * 3.0.squareRoot() / 2), (.diamond, 2 * ShapeOutline.diamondAspect),
        (.triangle, 3 * 3.0.squareRoot() / 4),
        // Ten triangles between the outer and inner corners, each spanning 36°.
        (.star, 10 * 0.5 * ShapeOutline.starInnerRatio * sin(Double.pi / 5)),
    ]

    @Test(arguments: unitAreas)
    func areaMatchesTheGeometry(shape: Shape, unitArea: Double) {
        let outline = ShapeOutline(shape: shape, center: center, radius: 30, rotation: 0.2)
        let steps = 600
        var inside = 0
        for row in 0..<steps {
            for column in 0..<steps {
                let x = 70 + 60 * (Double(column) + 0.5) / Double(steps)
                let y = 50 + 60 * (Double(row) + 0.5) / Double(steps)
                if outline.contains(x: x, y: y) { inside += 1 }
            }
        }
        let area = Double(inside) * 3600 / Double(steps * steps)
        #expect(abs(area - unitArea * 900) / (unitArea * 900) < 0.01)
    }
}
