/// A histogram of lengths as inline SVG: one column per bin, its count above it, the bin's range below.
public struct HistogramChart: Sendable {
    public var histogram: LengthHistogram
    public var caption: String
    public var colour: String
    public var width = 540
    public var height = 250

    public init(histogram: LengthHistogram, caption: String, colour: String) {
        self.histogram = histogram
        self.caption = caption
        self.colour = colour
    }

    /// The SVG element.
    public func svg() -> String {
        let top = 22.0
        let left = 8.0
        let bins = histogram.counts.count
        let slot = (Double(width) - 2 * left) / Double(max(1, bins))
        // Labels wider than their column are turned, so that neighbours never run together.
        let widestLabel = (0..<bins).map { Double(histogram.label(ofBin: $0).count) * 6.4 }.max() ?? 0
        let turned = widestLabel > slot - 4
        let bottom = turned ? 62.0 : 46.0
        let plotHeight = Double(height) - top - bottom
        let largest = Double(histogram.counts.max() ?? 0)
        var svg = """
            <svg class="chart" role="img" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" \
            xmlns="http://www.w3.org/2000/svg"><title>\(HTMLText.escape(caption))</title>
            """
        let baseline = top + plotHeight
        svg += "<line x1=\"\(SVGText.number(left))\" y1=\"\(SVGText.number(baseline))\" x2=\"\(SVGText.number(Double(width) - left))\" y2=\"\(SVGText.number(baseline))\" class=\"axis\"/>"
        for bin in 0..<bins {
            let count = histogram.counts[bin]
            let barHeight = largest > 0 ? plotHeight * Double(count) / largest : 0
            let x = left + Double(bin) * slot + slot * 0.12
            let barWidth = slot * 0.76
            let centre = SVGText.number(x + barWidth / 2)
            let label = histogram.label(ofBin: bin)
            svg += "<g>" + SVGText.tooltip("\(label) words: \(NumberText.grouped(count)) (\(NumberText.percent(count, of: histogram.total)))")
            if count > 0 {
                svg += "<rect x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(baseline - max(1, barHeight)))\" width=\"\(SVGText.number(barWidth))\" height=\"\(SVGText.number(max(1, barHeight)))\" rx=\"2\" fill=\"\(colour)\"/>"
                svg += "<text class=\"value\" x=\"\(centre)\" y=\"\(SVGText.number(baseline - max(1, barHeight) - 5))\" text-anchor=\"middle\">\(NumberText.grouped(count))</text>"
            }
            if turned {
                let y = SVGText.number(baseline + 14)
                svg += "<text class=\"tick\" x=\"\(centre)\" y=\"\(y)\" text-anchor=\"end\" transform=\"rotate(-35 \(centre) \(y))\">\(HTMLText.escape(label))</text></g>"
            } else {
                svg += "<text class=\"tick\" x=\"\(centre)\" y=\"\(SVGText.number(baseline + 16))\" text-anchor=\"middle\">\(HTMLText.escape(label))</text></g>"
            }
        }
        svg += "<text class=\"axis-title\" x=\"\(SVGText.number(Double(width) - left))\" y=\"\(SVGText.number(baseline + bottom - 8))\" text-anchor=\"end\">words</text>"
        return svg + "</svg>"
    }
}
