import CCairo
import Foundation
import LoomCore

/// Paints a scene's background. Texture details (grid spacing, wood planks) come from a hash of the background
/// name and image size, so the same scene always looks the same.
enum BackgroundPainter {
    static func paint(_ scene: SceneTruth, in context: OpaquePointer) {
        let entry = BackgroundCatalog.entry(style: scene.background, name: scene.backgroundName)
        var rng = SeededGenerator(seed: StableHash.fnv1a("\(scene.backgroundName)|\(scene.width)|\(scene.height)"))
        let (width, height) = (Double(scene.width), Double(scene.height))
        cairo_save(context)
        defer { cairo_restore(context) }

        entry.base.use(in: context)
        cairo_paint(context)
        switch entry.style {
        case .plain:
            break
        case .gradient:
            paintGradient(entry, width: width, height: height, in: context, using: &rng)
        case .grid:
            paintGrid(entry, width: width, height: height, in: context, using: &rng)
        case .dots:
            paintDots(entry, width: width, height: height, in: context, using: &rng)
        case .wood:
            paintWood(entry, width: width, height: height, in: context, using: &rng)
        }
    }

    private static func paintGradient(
        _ entry: BackgroundCatalog.Entry, width: Double, height: Double, in context: OpaquePointer,
        using rng: inout SeededGenerator
    ) {
        // Top to bottom, or diagonally from one of the top corners.
        let endX = [0, width, -width][rng.int(in: 0...2)]
        let startX = endX < 0 ? width : 0
        guard let gradient = cairo_pattern_create_linear(startX, 0, startX + endX, height) else { return }
        defer { cairo_pattern_destroy(gradient) }
        entry.base.addStop(to: gradient, at: 0)
        entry.accent.addStop(to: gradient, at: 1)
        cairo_set_source(context, gradient)
        cairo_paint(context)
    }

    private static func paintGrid(
        _ entry: BackgroundCatalog.Entry, width: Double, height: Double, in context: OpaquePointer,
        using rng: inout SeededGenerator
    ) {
        let spacing = Double(rng.int(in: 5...8) * 4)
        cairo_set_line_width(context, 1)
        // Every fourth line is a stronger major line, as on engineering paper.
        for major in [false, true] {
            var index = 0
            var x = spacing
            while x < width {
                if (index % 4 == 3) == major {
                    cairo_move_to(context, x.rounded(.down) + 0.5, 0)
                    cairo_line_to(context, x.rounded(.down) + 0.5, height)
                }
                x += spacing
                index += 1
            }
            index = 0
            var y = spacing
            while y < height {
                if (index % 4 == 3) == major {
                    cairo_move_to(context, 0, y.rounded(.down) + 0.5)
                    cairo_line_to(context, width, y.rounded(.down) + 0.5)
                }
                y += spacing
                index += 1
            }
            (major ? entry.accent.shaded(0.85) : entry.accent).use(in: context, alpha: major ? 1 : 0.75)
            cairo_stroke(context)
        }
    }

    private static func paintDots(
        _ entry: BackgroundCatalog.Entry, width: Double, height: Double, in context: OpaquePointer,
        using rng: inout SeededGenerator
    ) {
        let spacing = Double(rng.int(in: 4...6) * 4)
        let radius = 1.6
        var y = spacing / 2
        while y < height {
            var x = spacing / 2
            while x < width {
                cairo_new_sub_path(context)
                cairo_arc(context, x, y, radius, 0, 2 * .pi)
                x += spacing
            }
            y += spacing
        }
        entry.accent.use(in: context)
        cairo_fill(context)
    }

    private static func paintWood(
        _ entry: BackgroundCatalog.Entry, width: Double, height: Double, in context: OpaquePointer,
        using rng: inout SeededGenerator
    ) {
        var top = 0.0
        while top < height {
            let plank = Double(rng.int(in: 44...64))
            // Each plank in a slightly different tone.
            let tone = rng.double(in: 0.94...1.02)
            entry.base.shaded(tone).use(in: context)
            cairo_rectangle(context, 0, top, width, plank)
            cairo_fill(context)

            // Grain: gently waving lines along the plank.
            cairo_set_line_width(context, 1.1)
            for _ in 0..<rng.int(in: 3...6) {
                let y = top + rng.double(in: 4...(plank - 4))
                let wave = rng.double(in: 1.5...4)
                let length = rng.double(in: 80...160)
                var x = -rng.double(in: 0...length)
                cairo_move_to(context, x, y)
                while x < width {
                    let direction: Double = rng.chance(0.5) ? 1 : -1
                    cairo_curve_to(
                        context, x + length / 3, y + direction * wave, x + 2 * length / 3, y - direction * wave,
                        x + length, y)
                    x += length
                }
                entry.accent.use(in: context, alpha: rng.double(in: 0.25...0.5))
                cairo_stroke(context)
            }

            // The seam between planks.
            cairo_set_line_width(context, 1.5)
            cairo_move_to(context, 0, top + plank - 0.75)
            cairo_line_to(context, width, top + plank - 0.75)
            entry.accent.shaded(0.8).use(in: context, alpha: 0.8)
            cairo_stroke(context)
            top += plank
        }
    }
}
