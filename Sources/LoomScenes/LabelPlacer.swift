import LoomCore

/// Chooses and places the text signs of a scene.
enum LabelPlacer {
    /// The share of scenes with at least one sign when the settings allow none.
    static let labelledShare = 0.6

    /// How many signs a scene gets: uniform in the settings' range, except that when the range starts at 0,
    /// a scene gets no sign with probability 1 − `labelledShare` and otherwise 1...max.
    static func randomCount(_ settings: SceneSettings, using rng: inout SeededGenerator) -> Int {
        let upper = min(settings.maxLabels, SignCatalog.colors.count)
        let lower = max(0, min(settings.minLabels, upper))
        guard upper > 0 else { return 0 }
        if lower >= 1 { return rng.int(in: lower...upper) }
        return rng.chance(labelledShare) ? rng.int(in: 1...upper) : 0
    }

    /// Up to `count` signs, each with a text and a sign colour used by no other sign of the scene, placed
    /// inside the image and clear of `obstacles` and of each other. A sign that finds no room is left out.
    static func place(
        count: Int, width: Int, height: Int, avoiding obstacles: [Box] = [], using rng: inout SeededGenerator
    ) -> [TextLabel] {
        var labels: [TextLabel] = []
        var texts = LabelTexts.all
        var colors = SignCatalog.colors
        for _ in 0..<count {
            guard let text = rng.pick(texts), let color = rng.pick(colors) else { break }
            let fontSize = (rng.double(in: SignMetrics.fontSizes) * 2).rounded() / 2
            let size = SignMetrics.signSize(text: text, fontSize: fontSize)
            let (signWidth, signHeight) = (size.width.rounded(.up), size.height.rounded(.up))
            let margin = SceneLayout.edgeMargin
            let maxX = Double(width) - margin - signWidth
            let maxY = Double(height) - margin - signHeight
            guard maxX >= margin, maxY >= margin else { continue }
            for _ in 0..<100 {
                let box = Box(
                    x: rng.double(in: margin...maxX).rounded(.down), y: rng.double(in: margin...maxY).rounded(.down),
                    width: signWidth, height: signHeight)
                let grown = box.inset(by: SceneLayout.objectGap)
                guard !obstacles.contains(where: grown.intersects),
                    !labels.contains(where: { grown.intersects($0.box) })
                else { continue }
                labels.append(TextLabel(id: labels.count, text: text, signColor: color.name, box: box))
                texts.removeAll { $0 == text }
                colors.removeAll { $0 == color }
                break
            }
        }
        return labels
    }
}
