import LoomCore
import LoomMedia
import LoomOCR
import LoomScenes

/// Seeded scenes with text signs, drawn, for validating recognition against ground truth.
enum SceneFixtures {
    /// A canvas large enough that every sign is legible, with 2 to 4 signs per scene.
    static let settings = SceneSettings(width: 768, height: 576, minLabels: 2, maxLabels: 4)

    /// Ten seeded scenes and their drawings, made once and shared.
    static let drawn: [(scene: SceneTruth, image: PixelBuffer)] = (0..<10).map { seed in
        var rng = SeededGenerator(seed: 1000 + UInt64(seed))
        let scene = SceneComposer.single(settings, rng: &rng)
        return (scene, try! SceneRenderer.render(scene))
    }

    /// Each sign's text paired with what the recognizer read there, from one whole-image pass per scene.
    static func wholeImageReadings(_ recognizer: TextRecognizer) throws -> [(recognized: String, reference: String)] {
        var pairs: [(recognized: String, reference: String)] = []
        for (scene, image) in drawn {
            let lines = try recognizer.lines(in: image)
            for label in scene.labels {
                pairs.append((TextLineMatcher.text(in: label.box, from: lines, margin: 4), label.text))
            }
        }
        return pairs
    }

    /// Each sign's text paired with what the recognizer read in a crop of the sign grown by `margin` pixels.
    static func cropReadings(
        _ recognizer: TextRecognizer, margin: Double
    ) throws -> [(recognized: String, reference: String)] {
        var pairs: [(recognized: String, reference: String)] = []
        for (scene, image) in drawn {
            for label in scene.labels {
                let region = Box(
                    x: label.box.x - margin, y: label.box.y - margin, width: label.box.width + 2 * margin,
                    height: label.box.height + 2 * margin)
                let lines = try recognizer.lines(in: image, region: region)
                pairs.append((lines.map(\.text).joined(separator: " "), label.text))
            }
        }
        return pairs
    }
}
