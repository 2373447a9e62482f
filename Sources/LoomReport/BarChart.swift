/// A horizontal bar chart as inline SVG: one row per label, the count and share printed after each bar.
public struct BarChart: Sendable {
    public var items: [LabelCount]
    /// What the chart shows, for screen readers.
    public var caption: String
    public var width = 540
    /// Labels beyond this many are summed into one "other" bar.
    public var maxBars = 14
    /// Where in the palette the bar colours start.
    public var colourOffset = 0

    public init(items: [LabelCount], caption: String, colourOffset: Int = 0) {
        self.items = items
        self.caption = caption
        self.colourOffset = colourOffset
    }

    static let rowHeight = 26.0
    static let barHeight = 18.0
    static let labelWidth = 170.0
    static let valueWidth = 96.0

    /// The SVG element.
    public func svg() -> String {
        var rows = items
        if rows.count > maxBars {
            let rest = rows[(maxBars - 1)...]
            rows = Array(rows.prefix(maxBars - 1))
            rows.append(LabelCount(label: "other (\(rest.count) more)", count: rest.reduce(0) { $0 + $1.count }))
        }
        let total = items.reduce(0) { $0 + $1.count }
        let largest = Double(rows.map(\.count).max() ?? 0)
        let barArea = Double(width) - Self.labelWidth - Self.valueWidth
        let height = max(1, Double(rows.count)) * Self.rowHeight + 6
        var svg = """
            <svg class="chart" role="img" viewBox="0 0 \(width) \(SVGText.number(height))" width="\(width)" \
            height="\(SVGText.number(height))" xmlns="http://www.w3.org/2000/svg"><title>\(HTMLText.escape(caption))</title>
            """
        if rows.isEmpty {
            svg += "<text x=\"0\" y=\"18\" class=\"empty\">nothing to show</text></svg>"
            return svg
        }
        for (index, row) in rows.enumerated() {
            let y = Double(index) * Self.rowHeight + 3
            let length = largest > 0 ? max(2, barArea * Double(row.count) / largest) : 0
            let colour = row.label.hasPrefix("other (") ? "#9aa3ad" : ChartPalette.colour(colourOffset + index)
            let middle = SVGText.number(y + Self.barHeight / 2)
            svg += "<g>" + SVGText.tooltip("\(row.label): \(NumberText.grouped(row.count)) (\(NumberText.percent(row.count, of: total)))")
            svg += "<text class=\"label\" x=\"\(SVGText.number(Self.labelWidth - 8))\" y=\"\(middle)\" text-anchor=\"end\" dominant-baseline=\"central\">\(HTMLText.escape(SVGText.shortened(row.label, 24)))</text>"
            svg += "<rect x=\"\(SVGText.number(Self.labelWidth))\" y=\"\(SVGText.number(y))\" width=\"\(SVGText.number(length))\" height=\"\(SVGText.number(Self.barHeight))\" rx=\"3\" fill=\"\(colour)\"/>"
            svg += "<text class=\"value\" x=\"\(SVGText.number(Self.labelWidth + length + 6))\" y=\"\(middle)\" dominant-baseline=\"central\">\(NumberText.grouped(row.count)) <tspan class=\"share\">\(NumberText.percent(row.count, of: total))</tspan></text></g>"
        }
        return svg + "</svg>"
    }
}
