import Foundation

/// Small helpers for writing SVG by hand: coordinates, shortened labels.
enum SVGText {
    /// A coordinate with at most two decimals ("12.5", "240").
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }

    /// `label` cut to `limit` characters with an ellipsis.
    static func shortened(_ label: String, _ limit: Int) -> String {
        label.count <= limit ? label : String(label.prefix(max(1, limit - 1))) + "\u{2026}"
    }

    /// An escaped `<title>` (the browser's tooltip) for an element.
    static func tooltip(_ text: String) -> String {
        "<title>\(HTMLText.escape(text))</title>"
    }
}
