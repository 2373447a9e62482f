import LoomCore
@testable import LoomScenes

/// Independent checks of the rules every composed scene must keep; each returns readable problems.
enum SceneInvariants {
    static func problems(in scene: SceneTruth, settings: SceneSettings) -> [String] {
        var problems: [String] = []
        let (width, height) = (Double(scene.width), Double(scene.height))
        if scene.width != settings.width || scene.height != settings.height {
            problems.append("size \(scene.width)×\(scene.height) differs from the settings")
        }
        for object in scene.objects {
            let box = object.box
            if box.x < 0 || box.y < 0 || box.maxX > width || box.maxY > height {
                problems.append("object \(object.id) leaves the image: \(box)")
            }
            // The stored box must be the outline's tight box (within the 1/100 px rounding).
            let tight = ShapeOutline(object).boundingBox
            if abs(tight.x - box.x) > 0.02 || abs(tight.y - box.y) > 0.02 || abs(tight.maxX - box.maxX) > 0.02
                || abs(tight.maxY - box.maxY) > 0.02
            {
                problems.append("object \(object.id) box \(box) is not its outline's box \(tight)")
            }
            if object.visibleFraction < settings.minVisibleFraction {
                problems.append("object \(object.id) is only \(object.visibleFraction) visible")
            }
            let range = object.size.radiusFraction
            let side = Double(min(scene.width, scene.height))
            if object.radius < range.lowerBound * side - 0.01 || object.radius > range.upperBound * side + 0.01 {
                problems.append("object \(object.id) radius \(object.radius) does not match size \(object.size)")
            }
        }
        let ids = scene.objects.map(\.id)
        if Set(ids).count != ids.count { problems.append("duplicate object ids \(ids)") }
        let zs = scene.objects.map(\.z)
        if zs != zs.sorted() || Set(zs).count != zs.count { problems.append("objects not in strict z order: \(zs)") }
        let combos = scene.objects.map { "\($0.shape)-\($0.color)-\($0.size)-\($0.pattern)" }
        if Set(combos).count != combos.count { problems.append("two objects share all attributes: \(combos)") }

        for label in scene.labels {
            let box = label.box
            if box.x < 0 || box.y < 0 || box.maxX > width || box.maxY > height {
                problems.append("sign \(label.text) leaves the image")
            }
            if let object = scene.objects.first(where: { $0.box.intersects(box) }) {
                problems.append("sign \(label.text) overlaps object \(object.id)")
            }
            if let other = scene.labels.first(where: { $0.id != label.id && $0.box.intersects(box) }) {
                problems.append("sign \(label.text) overlaps sign \(other.text)")
            }
            if box.height < 14 { problems.append("sign \(label.text) is too small to read") }
            if label.text.isEmpty { problems.append("sign \(label.id) has no text") }
            if label.text.first.map({ $0.isNumber || $0 == "$" }) == true, label.numericValue == nil {
                problems.append("sign \(label.text) looks numeric but does not parse")
            }
        }
        let texts = scene.labels.map(\.text)
        if Set(texts).count != texts.count { problems.append("sign texts repeat: \(texts)") }
        let colors = scene.labels.map(\.signColor)
        if Set(colors).count != colors.count { problems.append("sign colours repeat: \(colors)") }
        if scene.labels.count > settings.maxLabels { problems.append("too many signs: \(scene.labels.count)") }
        return problems
    }

    /// Visible fraction recomputed on a finer grid than the composer's, for comparison.
    static func visibleFraction(of object: SceneObject, in scene: SceneTruth, resolution: Int = 97) -> Double {
        let outline = ShapeOutline(object)
        let above = scene.objects.filter { $0.z > object.z }.map(ShapeOutline.init)
        var inside = 0
        var visible = 0
        for row in 0..<resolution {
            for column in 0..<resolution {
                let x = object.box.x + (Double(column) + 0.5) * object.box.width / Double(resolution)
                let y = object.box.y + (Double(row) + 0.5) * object.box.height / Double(resolution)
                guard outline.contains(x: x, y: y) else { continue }
                inside += 1
                if !above.contains(where: { $0.contains(x: x, y: y) }) { visible += 1 }
            }
        }
        return inside == 0 ? 1 : Double(visible) / Double(inside)
    }

    /// The attributes of an object as one comparable value.
    static func attributes(_ object: SceneObject) -> [String] {
        [object.shape.rawValue, object.color.rawValue, object.size.rawValue, object.pattern.rawValue]
    }
}
