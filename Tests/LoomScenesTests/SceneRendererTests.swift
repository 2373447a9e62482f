import Foundation
import LoomCore
import LoomMedia
import Testing

@testable import LoomScenes

@Suite struct SceneRendererTests {
    let settings = SceneSettings()

    func scene(_ seed: UInt64) -> SceneTruth {
        var rng = SeededGenerator(seed: seed)
        return SceneComposer.single(settings, rng: &rng)
    }

    @Test func rendersAnOpaqueImageOfTheSceneSize() throws {
        let buffer = try SceneRenderer.render(scene(1))
        #expect(buffer.width == 512 && buffer.height == 384)
        #expect(buffer.bytesPerRow >= 4 * 512)
        #expect(buffer.pixels.count == buffer.bytesPerRow * 384)
        #expect(buffer.isOpaque)
    }

    @Test func sameSceneGivesIdenticalPixelsAndFiles() throws {
        let truth = scene(2)
        let a = try SceneRenderer.render(truth)
        let b = try SceneRenderer.render(truth)
        #expect(a == b)
        #expect(try ImageEncoder.encode(a, format: .png) == ImageEncoder.encode(b, format: .png))
        #expect(try ImageEncoder.encode(a, format: .jpeg) == ImageEncoder.encode(b, format: .jpeg))
        #expect(try SceneRenderer.render(scene(3)) != a)
    }

    @Test func renderingIsThreadSafe() async throws {
        let scenes = (UInt64(0)..<8).map(scene)
        let serial = try scenes.map { try ImageEncoder.encode(try SceneRenderer.render($0), format: .png) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, truth) in scenes.enumerated() {
                group.addTask { (index, try ImageEncoder.encode(try SceneRenderer.render(truth), format: .png)) }
            }
            var out = [[UInt8]](repeating: [], count: scenes.count)
            for try await (index, bytes) in group { out[index] = bytes }
            return out
        }
        #expect(parallel == serial)
    }

    @Test func solidObjectsShowTheirColourAtTheCentre() throws {
        var checked = 0
        for seed in UInt64(0)..<40 {
            let truth = scene(seed)
            let buffer = try SceneRenderer.render(truth)
            for object in truth.objects where object.pattern == .solid && object.visibleFraction == 1 {
                let pixel = buffer.rgba(x: Int(object.centerX), y: Int(object.centerY))
                let expected = object.color.rgb
                #expect(abs(Double(pixel.red) - expected.red * 255) <= 2, "seed \(seed) object \(object.id)")
                #expect(abs(Double(pixel.green) - expected.green * 255) <= 2, "seed \(seed) object \(object.id)")
                #expect(abs(Double(pixel.blue) - expected.blue * 255) <= 2, "seed \(seed) object \(object.id)")
                checked += 1
            }
        }
        #expect(checked >= 20)
    }

    @Test func everyPatternStaysInTheHueOfItsColour() throws {
        var checkedPatterns: Set<LoomCore.Pattern> = []
        for seed in UInt64(0)..<30 {
            let truth = scene(seed)
            let buffer = try SceneRenderer.render(truth)
            for object in truth.objects {
                let samples = interiorPixels(of: object, in: truth, buffer: buffer)
                guard samples.count >= 40 else { continue }
                let base = object.color.rgb
                if object.color == .gray {
                    #expect(
                        samples.allSatisfy { saturation($0) < 0.06 }, "seed \(seed): gray \(object.pattern) is tinted")
                } else {
                    let target = hue(base)
                    let off = samples.filter { saturation($0) > 0.12 && hueDistance(hue($0), target) > 10 }
                    #expect(
                        off.count <= samples.count / 50,
                        "seed \(seed): \(object.color) \(object.pattern) drifts in hue")
                }
                checkedPatterns.insert(object.pattern)
            }
        }
        #expect(checkedPatterns == Set(Pattern.allCases))
    }

    @Test func patternsAreVisible() throws {
        for seed in UInt64(0)..<30 {
            let truth = scene(seed)
            let buffer = try SceneRenderer.render(truth)
            for object in truth.objects where object.pattern != .solid {
                let samples = interiorPixels(of: object, in: truth, buffer: buffer)
                guard samples.count >= 40 else { continue }
                let tones = Set(samples.map { "\(Int($0.red * 16)),\(Int($0.green * 16)),\(Int($0.blue * 16))" })
                #expect(tones.count >= 2, "seed \(seed): \(object.pattern) \(object.shape) looks solid")
            }
        }
    }

    @Test func signsShowDarkTextOnTheirColour() throws {
        var checked = 0
        for seed in UInt64(0)..<20 {
            let truth = scene(seed)
            let buffer = try SceneRenderer.render(truth)
            for label in truth.labels {
                var dark = 0
                var fill = 0
                let sign = SignCatalog.color(named: label.signColor)
                for y in Int(label.box.y + 3)..<Int(label.box.maxY - 3) {
                    for x in Int(label.box.x + 3)..<Int(label.box.maxX - 3) {
                        let pixel = buffer.rgba(x: x, y: y)
                        if Int(pixel.red) + Int(pixel.green) + Int(pixel.blue) < 150 { dark += 1 }
                        if abs(Double(pixel.red) - sign.red * 255) < 2, abs(Double(pixel.green) - sign.green * 255) < 2,
                            abs(Double(pixel.blue) - sign.blue * 255) < 2
                        {
                            fill += 1
                        }
                    }
                }
                let area = Int(label.box.width * label.box.height)
                #expect(dark > area / 20, "seed \(seed): sign \(label.text) shows little text")
                #expect(fill > area / 3, "seed \(seed): sign \(label.text) is not \(label.signColor)")
                checked += 1
            }
        }
        #expect(checked >= 5)
    }

    @Test(arguments: BackgroundStyle.allCases)
    func everyBackgroundStyleRenders(style: BackgroundStyle) throws {
        for entry in BackgroundCatalog.entries where entry.style == style {
            let truth = SceneTruth(
                width: 200, height: 150, background: style, backgroundName: entry.name, objects: [], labels: [])
            let buffer = try SceneRenderer.render(truth)
            var red = 0.0
            var green = 0.0
            var blue = 0.0
            for y in 0..<150 {
                for x in 0..<200 {
                    let pixel = buffer.rgba(x: x, y: y)
                    red += Double(pixel.red)
                    green += Double(pixel.green)
                    blue += Double(pixel.blue)
                }
            }
            let count = 200.0 * 150 * 255
            // On average a background lies between (or close to) its two catalogue colours.
            let channels = [
                (red / count, entry.base.red, entry.accent.red), (green / count, entry.base.green, entry.accent.green),
                (blue / count, entry.base.blue, entry.accent.blue),
            ]
            for (mean, a, b) in channels {
                #expect(
                    mean >= min(a, b) - 0.04 && mean <= max(a, b) + 0.04, "\(entry.name): \(mean) not near \(a)...\(b)")
            }
            #expect((red + green + blue) / (3 * count) > 0.6, "\(entry.name) is too dark")
        }
    }

    // MARK: - Helpers

    typealias Colour = (red: Double, green: Double, blue: Double)

    /// Pixels at least 3 px inside the object's outline and at least 3 px away from every object drawn on top.
    private func interiorPixels(of object: SceneObject, in scene: SceneTruth, buffer: PixelBuffer) -> [Colour] {
        let outline = ShapeOutline(object)
        let above = scene.objects.filter { $0.z > object.z }.map(ShapeOutline.init)
        let offsets = [(0.0, 0.0), (3, 0), (-3, 0), (0, 3), (0, -3), (2.2, 2.2), (-2.2, 2.2), (2.2, -2.2), (-2.2, -2.2)]
        var out: [Colour] = []
        for y in Int(object.box.y)..<Int(object.box.maxY) {
            for x in Int(object.box.x)..<Int(object.box.maxX) {
                let (cx, cy) = (Double(x) + 0.5, Double(y) + 0.5)
                guard offsets.allSatisfy({ outline.contains(x: cx + $0.0, y: cy + $0.1) }),
                    !offsets.contains(where: { offset in
                        above.contains { $0.contains(x: cx + offset.0, y: cy + offset.1) }
                    })
                else { continue }
                let pixel = buffer.rgba(x: x, y: y)
                out.append((Double(pixel.red) / 255, Double(pixel.green) / 255, Double(pixel.blue) / 255))
            }
        }
        return out
    }

    private func saturation(_ colour: Colour) -> Double {
        let high = max(colour.red, colour.green, colour.blue)
        let low = min(colour.red, colour.green, colour.blue)
        return high == 0 ? 0 : (high - low) / high
    }

    private func hue(_ colour: Colour) -> Double {
        let (r, g, b) = colour
        let high = max(r, g, b)
        let delta = high - min(r, g, b)
        guard delta > 0 else { return 0 }
        let sector: Double =
            if high == r { ((g - b) / delta).truncatingRemainder(dividingBy: 6) }
            else if high == g { (b - r) / delta + 2 }
            else { (r - g) / delta + 4 }
        return (sector * 60 + 360).truncatingRemainder(dividingBy: 360)
    }

    private func hueDistance(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b)
        return min(d, 360 - d)
    }
}
