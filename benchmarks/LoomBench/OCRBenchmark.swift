import Foundation
import LoomCore
import LoomOCR
import LoomScenes

/// Reads the signs of `images` seeded quickstart-size scenes (512×384, 0–2 signs each) with one whole-image
/// tesseract pass per image, and scores the reading against ground truth.
///
/// - Returns: the aggregate character error rate over every sign (a sign's reading is the recognized lines whose
///   centres lie on it), the number of lines recognized, and the seconds spent in recognition alone (composing
///   and drawing the scenes is not timed).
func runOCRBenchmark(images: Int) throws -> (cer: Double, lines: Int, seconds: Double) {
    let recognizer = try TextRecognizer()
    recognizer.binarization = .sceneSigns
    let settings = SceneSettings(width: 512, height: 384, minLabels: 0, maxLabels: 2)
    var pairs: [(recognized: String, reference: String)] = []
    var lineCount = 0
    var seconds = 0.0
    for seed in 0..<images {
        var rng = SeededGenerator(seed: UInt64(seed))
        let scene = SceneComposer.single(settings, rng: &rng)
        let image = try SceneRenderer.render(scene)
        let started = Date()
        let lines = try recognizer.lines(in: image)
        seconds += Date().timeIntervalSince(started)
        lineCount += lines.count
        for label in scene.labels {
            pairs.append((TextLineMatcher.text(in: label.box, from: lines, margin: 4), label.text))
        }
    }
    return (CharacterErrorRate.aggregate(pairs), lineCount, seconds)
}
