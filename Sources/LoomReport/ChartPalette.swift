/// The card's colours: a categorical palette of twelve, readable on white, and lighter tints of each.
public enum ChartPalette {
    public static let colours = [
        "#3566a8", "#e07b39", "#2f9a6a", "#c4464e", "#7e5cb8", "#c99a16",
        "#2294a8", "#cf5f97", "#6f8a2e", "#8a6446", "#4f5d80", "#a8873a",
    ]

    /// The palette's colour for index `index` (cycling).
    public static func colour(_ index: Int) -> String {
        colours[((index % colours.count) + colours.count) % colours.count]
    }

    /// `hex` mixed with white: 0 keeps the colour, 1 is white.
    public static func tint(_ hex: String, _ amount: Double) -> String {
        let digits = hex.dropFirst()
        guard digits.count == 6, let value = Int(digits, radix: 16) else { return hex }
        let amount = min(1, max(0, amount))
        let channels: [Int] = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { (channel: Int) -> Int in
            let mixed: Double = Double(channel) + (255 - Double(channel)) * amount
            return Int(mixed.rounded())
        }
        return "#" + channels.map { (channel: Int) -> String in (channel < 16 ? "0" : "") + String(channel, radix: 16) }.joined()
    }
}
