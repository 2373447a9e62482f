import CCairo
import Foundation
import LoomCore

/// Paints one scene object: its outline (from `ShapeOutline`, the same geometry the ground truth uses) filled
/// with its pattern, then a thin darker outline.
///
/// Patterns use tones of the object's own colour (a lighter tint, or a darker shade for yellow), so the
/// object stays recognisably its named colour.
enum ObjectPainter {
    static func paint(_ object: SceneObject, in context: OpaquePointer) {
        let outline = ShapeOutline(object)
        let color = object.color.rgb
        let base = RGB(color.red, color.green, color.blue)
        let radius = object.radius
        cairo_save(context)
        defer { cairo_restore(context) }

        trace(outline, in: context)
        switch object.pattern {
        case .solid:
            base.use(in: context)
            cairo_fill(context)
        case .metallic:
            fillMetallic(outline, base: base, in: context)
        case .striped, .dotted, .checkered:
            base.use(in: context)
            cairo_fill_preserve(context)
            cairo_save(context)
            cairo_clip(context)
            cairo_translate(context, outline.center.x, outline.center.y)
            cairo_rotate(context, object.rotation)
            contrastTone(of: base).use(in: context)
            switch object.pattern {
            case .striped: traceStripes(radius: radius, in: context)
            case .dotted: traceDots(radius: radius, in: context)
            default: traceChecks(radius: radius, in: context)
            }
            cairo_fill(context)
            cairo_restore(context)
        }

        trace(outline, in: context)
        base.shaded(0.55).use(in: context)
        cairo_set_line_width(context, max(1.5, min(2.5, radius * 0.045)))
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_stroke(context)
    }

    /// Replaces the current path with the outline.
    static func trace(_ outline: ShapeOutline, in context: OpaquePointer) {
        cairo_new_path(context)
        if outline.shape == .circle {
            cairo_arc(context, outline.center.x, outline.center.y, outline.radius, 0, 2 * .pi)
        } else {
            for (index, vertex) in outline.vertices.enumerated() {
                if index == 0 {
                    cairo_move_to(context, vertex.x, vertex.y)
                } else {
                    cairo_line_to(context, vertex.x, vertex.y)
                }
            }
        }
        cairo_close_path(context)
    }

    /// The second tone of a pattern: a light tint of the colour, or a darker shade for very light colours.
    static func contrastTone(of base: RGB) -> RGB {
        base.luminance > 0.7 ? base.shaded(0.78) : base.tinted(0.5)
    }

    /// Diagonal stripes across the object's circumscribed square (in the object's rotated frame).
    private static func traceStripes(radius: Double, in context: OpaquePointer) {
        let period = max(7, radius * 0.36)
        cairo_rotate(context, .pi / 4)
        var x = -radius - period
        while x < radius + period {
            cairo_rectangle(context, x, -radius - period, period / 2, 2 * (radius + period))
            x += period
        }
    }

    /// Staggered rows of dots.
    private static func traceDots(radius: Double, in context: OpaquePointer) {
        let spacing = max(8, radius * 0.34)
        let dot = max(1.8, spacing * 0.24)
        var row = 0
        var y = -radius
        while y <= radius + spacing {
            var x = -radius + (row.isMultiple(of: 2) ? 0 : spacing / 2)
            while x <= radius + spacing {
                cairo_new_sub_path(context)
                cairo_arc(context, x, y, dot, 0, 2 * .pi)
                x += spacing
            }
            y += spacing
            row += 1
        }
    }

    /// A checkerboard, centred on the object.
    private static func traceChecks(radius: Double, in context: OpaquePointer) {
        let cell = max(6, radius * 0.32)
        let count = Int((radius / cell).rounded(.up)) + 1
        for row in -count..<count {
            for column in -count..<count where (row + column).isMultiple(of: 2) {
                cairo_rectangle(context, Double(column) * cell, Double(row) * cell, cell, cell)
            }
        }
    }

    /// A brushed-metal look: a diagonal gradient through tints and shades of the colour with a reflection band,
    /// then a soft highlight near the top left. Fills (and clears) the current path.
    private static func fillMetallic(_ outline: ShapeOutline, base: RGB, in context: OpaquePointer) {
        let (x, y, radius) = (outline.center.x, outline.center.y, outline.radius)
        if let gradient = cairo_pattern_create_linear(x - 0.7 * radius, y - radius, x + 0.7 * radius, y + radius) {
            base.tinted(0.55).addStop(to: gradient, at: 0)
            base.tinted(0.1).addStop(to: gradient, at: 0.3)
            base.addStop(to: gradient, at: 0.5)
            base.shaded(0.72).addStop(to: gradient, at: 0.72)
            base.tinted(0.3).addStop(to: gradient, at: 0.86)
            base.shaded(0.68).addStop(to: gradient, at: 1)
            cairo_set_source(context, gradient)
            cairo_fill_preserve(context)
            cairo_pattern_destroy(gradient)
        }
        let (hx, hy) = (x - 0.35 * radius, y - 0.4 * radius)
        if let highlight = cairo_pattern_create_radial(hx, hy, 0, hx, hy, 0.6 * radius) {
            RGB(1, 1, 1).addStop(to: highlight, at: 0, alpha: 0.6)
            RGB(1, 1, 1).addStop(to: highlight, at: 1, alpha: 0)
            cairo_set_source(context, highlight)
            cairo_fill(context)
            cairo_pattern_destroy(highlight)
        } else {
            cairo_new_path(context)
        }
    }
}
