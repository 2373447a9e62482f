import LoomCore

/// Sign proportions shared by the composer (which sizes the sign) and the renderer (which fills it with text).
///
/// Sizes come from a table of DejaVu Sans Bold advance widths, so a scene's ground truth does not depend on
/// the fonts installed where it is composed; the renderer measures the real text and shrinks it if needed.
enum SignMetrics {
    /// Font sizes in pixels: capital letters are 0.73 em tall, so at least 14.6 pixels.
    static let fontSizes: ClosedRange<Double> = 20...26
    /// Height of capitals relative to the font size.
    static let capHeight = 0.73
    /// Horizontal padding on each side of the text, relative to the font size.
    static let horizontalPadding = 0.5
    /// Vertical padding above and below the capitals, relative to the font size.
    static let verticalPadding = 0.42
    /// Corner radius of the sign relative to the font size.
    static let cornerRadius = 0.3

    /// Sign height relative to the font size.
    static var heightPerFontSize: Double { capHeight + 2 * verticalPadding }

    /// The sign's width and height for `text` at `fontSize`.
    static func signSize(text: String, fontSize: Double) -> (width: Double, height: Double) {
        let textWidth = advance(of: text) * fontSize
        return (textWidth + 2 * horizontalPadding * fontSize, heightPerFontSize * fontSize)
    }

    /// The font size the renderer uses for a sign of the given height.
    static func fontSize(forSignHeight height: Double) -> Double {
        height / heightPerFontSize
    }

    /// The advance width of `text` in em (DejaVu Sans Bold; unknown characters count as a wide letter).
    static func advance(of text: String) -> Double {
        text.reduce(0) { $0 + (advances[$1] ?? 0.85) }
    }

    private static let advances: [Character: Double] = [
        "A": 0.774, "B": 0.762, "C": 0.734, "D": 0.830, "E": 0.683, "F": 0.683, "G": 0.821, "H": 0.837,
        "I": 0.372, "J": 0.372, "K": 0.775, "L": 0.637, "M": 0.995, "N": 0.837, "O": 0.850, "P": 0.733,
        "Q": 0.850, "R": 0.770, "S": 0.720, "T": 0.682, "U": 0.812, "V": 0.774, "W": 1.103, "X": 0.771,
        "Y": 0.724, "Z": 0.725, "0": 0.696, "1": 0.696, "2": 0.696, "3": 0.696, "4": 0.696, "5": 0.696,
        "6": 0.696, "7": 0.696, "8": 0.696, "9": 0.696, "$": 0.696, " ": 0.348,
    ]
}
