import Foundation

/// Numbers as the card and the terminal tables print them.
public enum NumberText {
    /// 6131 → "6,131".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Dollars with enough digits to show small per-item costs: "$12.35", "$0.0042".
    public static func dollars(_ value: Double) -> String {
        if value == 0 { return "$0.00" }
        if value >= 1 { return String(format: "$%.2f", value) }
        let digits = min(8, max(2, Int(-log10(value).rounded(.up)) + 2))
        return String(format: "$%.\(digits)f", value)
    }

    /// A share as a percentage: "12.5%"; "–" when the whole is 0.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "\u{2013}" }
        let value = 100 * Double(part) / Double(whole)
        return value >= 10 || value == 0 ? String(format: "%.0f%%", value) : String(format: "%.1f%%", value)
    }
}
