import LoomCore

/// An sRGB colour with components in 0...1.
struct RGB: Sendable, Hashable {
    var red: Double
    var green: Double
    var blue: Double

    init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour mixed with white: 0 keeps it, 1 gives white.
    func tinted(_ amount: Double) -> RGB {
        RGB(red + (1 - red) * amount, green + (1 - green) * amount, blue + (1 - blue) * amount)
    }

    /// The colour scaled towards black: 1 keeps it, 0 gives black.
    func shaded(_ factor: Double) -> RGB {
        RGB(red * factor, green * factor, blue * factor)
    }

    /// Relative luminance (Rec. 709 weights on the encoded components; good enough to pick a contrast tone).
    var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }
}

/// The named backgrounds scenes are drawn on: a readable name per entry and the colours the renderer uses.
///
/// All backgrounds are light and low in contrast, so every object colour and the dark outlines stand out.
enum BackgroundCatalog {
    struct Entry: Sendable, Hashable {
        let style: BackgroundStyle
        /// Used in descriptions as "a <name> background".
        let name: String
        /// The main colour (paper, wood or the gradient's first stop).
        let base: RGB
        /// The second colour: gradient end, grid lines, dots or wood grain.
        let accent: RGB
    }

    static let entries: [Entry] = [
        Entry(style: .plain, name: "plain white", base: RGB(0.97, 0.97, 0.96), accent: RGB(0.97, 0.97, 0.96)),
        Entry(style: .plain, name: "plain beige", base: RGB(0.93, 0.89, 0.80), accent: RGB(0.93, 0.89, 0.80)),
        Entry(style: .plain, name: "plain light gray", base: RGB(0.86, 0.86, 0.86), accent: RGB(0.86, 0.86, 0.86)),
        Entry(style: .plain, name: "plain pale blue", base: RGB(0.86, 0.91, 0.97), accent: RGB(0.86, 0.91, 0.97)),
        Entry(style: .plain, name: "plain mint", base: RGB(0.87, 0.95, 0.89), accent: RGB(0.87, 0.95, 0.89)),
        Entry(style: .gradient, name: "soft blue gradient", base: RGB(0.78, 0.86, 0.97), accent: RGB(0.97, 0.98, 1.0)),
        Entry(style: .gradient, name: "warm peach gradient", base: RGB(0.99, 0.86, 0.74), accent: RGB(1.0, 0.97, 0.92)),
        Entry(style: .gradient, name: "gray gradient", base: RGB(0.76, 0.76, 0.78), accent: RGB(0.96, 0.96, 0.96)),
        Entry(style: .gradient, name: "lavender gradient", base: RGB(0.87, 0.84, 0.96), accent: RGB(0.98, 0.97, 1.0)),
        Entry(style: .grid, name: "light grid paper", base: RGB(0.98, 0.98, 0.96), accent: RGB(0.74, 0.82, 0.92)),
        Entry(style: .grid, name: "green grid paper", base: RGB(0.94, 0.97, 0.93), accent: RGB(0.68, 0.84, 0.70)),
        Entry(style: .grid, name: "gray grid paper", base: RGB(0.95, 0.95, 0.95), accent: RGB(0.76, 0.76, 0.76)),
        Entry(style: .grid, name: "blue grid paper", base: RGB(0.95, 0.97, 1.0), accent: RGB(0.60, 0.72, 0.90)),
        Entry(style: .dots, name: "white dotted paper", base: RGB(0.98, 0.98, 0.98), accent: RGB(0.72, 0.74, 0.78)),
        Entry(style: .dots, name: "cream dotted paper", base: RGB(0.98, 0.95, 0.86), accent: RGB(0.80, 0.72, 0.58)),
        Entry(style: .dots, name: "gray dotted paper", base: RGB(0.92, 0.92, 0.92), accent: RGB(0.64, 0.64, 0.67)),
        Entry(style: .dots, name: "blue dotted paper", base: RGB(0.93, 0.96, 1.0), accent: RGB(0.60, 0.69, 0.85)),
        Entry(style: .wood, name: "light wood", base: RGB(0.86, 0.72, 0.52), accent: RGB(0.72, 0.56, 0.37)),
        Entry(style: .wood, name: "pale pine wood", base: RGB(0.93, 0.84, 0.66), accent: RGB(0.80, 0.67, 0.47)),
        Entry(style: .wood, name: "birch wood", base: RGB(0.95, 0.90, 0.79), accent: RGB(0.82, 0.74, 0.60)),
        Entry(style: .wood, name: "honey oak wood", base: RGB(0.88, 0.73, 0.50), accent: RGB(0.74, 0.57, 0.35)),
    ]

    /// A random background: a uniform style, then a uniform entry of that style.
    static func random(using rng: inout SeededGenerator) -> Entry {
        let style = rng.pick(BackgroundStyle.allCases) ?? .plain
        return rng.pick(entries.filter { $0.style == style }) ?? entries[0]
    }

    /// The entry a scene names; the first entry of its style when the name is unknown.
    static func entry(style: BackgroundStyle, name: String) -> Entry {
        entries.first { $0.style == style && $0.name == name }
            ?? entries.first { $0.style == style }
            ?? entries[0]
    }
}
