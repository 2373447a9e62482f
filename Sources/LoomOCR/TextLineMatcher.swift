import LoomCore

/// Picks out the recognized text that belongs to a known region, e.g. a sign whose box ground truth gives.
public enum TextLineMatcher {
    /// The texts of the lines whose centre lies inside `box` (grown by `margin` pixels on every side), read left
    /// to right and top to bottom and joined with single spaces; "" when no line falls there.
    public static func text(in box: Box, from lines: [TextLine], margin: Double = 0) -> String {
        let area = Box(
            x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin)
        let inside = lines.filter { line in
            let (x, y) = (line.box.x + line.box.width / 2, line.box.y + line.box.height / 2)
            return x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height
        }
        let ordered = inside.sorted { first, second in
            // Lines whose vertical spans overlap read as one row, left to right.
            let overlap = min(first.box.y + first.box.height, second.box.y + second.box.height)
                - max(first.box.y, second.box.y)
            if overlap > 0 { return first.box.x < second.box.x }
            return first.box.y < second.box.y
        }
        return ordered.map(\.text).joined(separator: " ")
    }
}
