import CCairo
import Foundation
import LoomCore

/// Paints a sign: a rounded rectangle in the sign colour with a dark border and dark bold text, centred.
enum SignPainter {
    static let fontFamily = "DejaVu Sans"
    static let textColor = RGB(0.1, 0.1, 0.12)
    static let borderColor = RGB(0.25, 0.25, 0.28)

    static func paint(_ label: TextLabel, in context: OpaquePointer) {
        let box = label.box
        var fontSize = SignMetrics.fontSize(forSignHeight: box.height)
        let sign = SignCatalog.color(named: label.signColor)
        cairo_save(context)
        defer { cairo_restore(context) }

        // The border is stroked inside the sign's box.
        let lineWidth = 1.5
        let inner = box.inset(by: -lineWidth / 2)
        traceRoundedRectangle(inner, radius: SignMetrics.cornerRadius * fontSize, in: context)
        RGB(sign.red, sign.green, sign.blue).use(in: context)
        cairo_fill_preserve(context)
        borderColor.use(in: context)
        cairo_set_line_width(context, lineWidth)
        cairo_stroke(context)

        // Explicit font options, so the look does not depend on the system's fontconfig defaults.
        if let options = cairo_font_options_create() {
            cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_set_font_options(context, options)
            cairo_font_options_destroy(options)
        }
        cairo_select_font_face(context, fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(context, fontSize)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, label.text, &extents)
        // The composer sized the sign from a table of advance widths; should the installed font run wider,
        // shrink the text to fit rather than spill over the border.
        let room = box.width - SignMetrics.horizontalPadding * fontSize
        if extents.x_advance > room, extents.x_advance > 0 {
            fontSize *= room / extents.x_advance
            cairo_set_font_size(context, fontSize)
            cairo_text_extents(context, label.text, &extents)
        }
        // Centre the advance horizontally and the capitals vertically, so every sign has the same baseline.
        let x = box.centerX - extents.x_advance / 2
        let baseline = box.centerY + SignMetrics.capHeight * fontSize / 2
        cairo_move_to(context, x, baseline)
        textColor.use(in: context)
        cairo_show_text(context, label.text)
    }

    private static func traceRoundedRectangle(_ box: Box, radius: Double, in context: OpaquePointer) {
        let r = min(radius, box.width / 2, box.height / 2)
        cairo_new_path(context)
        cairo_arc(context, box.maxX - r, box.y + r, r, -.pi / 2, 0)
        cairo_arc(context, box.maxX - r, box.maxY - r, r, 0, .pi / 2)
        cairo_arc(context, box.x + r, box.maxY - r, r, .pi / 2, .pi)
        cairo_arc(context, box.x + r, box.y + r, r, .pi, 3 * .pi / 2)
        cairo_close_path(context)
    }
}
