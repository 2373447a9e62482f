import Foundation

/// The verb–object diversity as a sunburst in inline SVG: an inner ring of root verbs, each spanning its share
/// of the instructions, and an outer ring of each verb's top objects within its span (the rest of the span,
/// other objects or none, in grey).
public struct Sunburst: Sendable {
    public var diversity: VerbDiversity
    public var size = 560

    public init(diversity: VerbDiversity) {
        self.diversity = diversity
    }

    static let hole = 62.0
    static let verbRing = 158.0
    static let objectRing = 268.0

    /// The SVG element.
    public func svg() -> String {
        let centre = Double(size) / 2
        let verbs = diversity.verbs
        let total = Double(verbs.reduce(0) { $0 + $1.count })
        var svg = """
            <svg class="chart sunburst" role="img" viewBox="0 0 \(size) \(size)" width="\(size)" height="\(size)" \
            xmlns="http://www.w3.org/2000/svg"><title>Root verbs of the instructions (inner ring) and their most \
            common objects (outer ring)</title>
            """
        guard total > 0 else {
            return svg + "<text x=\"\(Int(centre))\" y=\"\(Int(centre))\" text-anchor=\"middle\" class=\"empty\">no verbs found</text></svg>"
        }
        var labels = ""
        var start = 0.0
        for (index, verb) in verbs.enumerated() {
            let span = 2 * Double.pi * Double(verb.count) / total
            let colour = ChartPalette.colour(index)
            let share = NumberText.percent(verb.count, of: diversity.withVerb)
            svg += "<path d=\"\(Self.sector(centre, Self.hole, Self.verbRing, start, start + span))\" fill=\"\(colour)\" class=\"arc\">"
                + SVGText.tooltip("\(verb.verb): \(NumberText.grouped(verb.count)) instructions (\(share))") + "</path>"
            labels += Self.label(verb.verb, centre: centre, inner: Self.hole, outer: Self.verbRing, from: start, to: start + span,
                                 limit: 13, className: "verb")
            var objectStart = start
            for (rank, object) in verb.objects.enumerated() {
                let objectSpan = span * Double(object.count) / Double(verb.count)
                let tint = ChartPalette.tint(colour, 0.25 + 0.14 * Double(rank))
                svg += "<path d=\"\(Self.sector(centre, Self.verbRing, Self.objectRing, objectStart, objectStart + objectSpan))\" fill=\"\(tint)\" class=\"arc\">"
                    + SVGText.tooltip("\(verb.verb) \u{2192} \(object.label): \(NumberText.grouped(object.count))") + "</path>"
                labels += Self.label(object.label, centre: centre, inner: Self.verbRing, outer: Self.objectRing, from: objectStart,
                                     to: objectStart + objectSpan, limit: 15, className: "object")
                objectStart += objectSpan
            }
            if start + span - objectStart > 1e-9 {
                svg += "<path d=\"\(Self.sector(centre, Self.verbRing, Self.objectRing, objectStart, start + span))\" fill=\"#eceef1\" class=\"arc\">"
                    + SVGText.tooltip("\(verb.verb): \(NumberText.grouped(verb.otherObjects)) with other objects, \(NumberText.grouped(verb.withoutObject)) without a noun object")
                    + "</path>"
            }
            start += span
        }
        svg += labels
        svg += "<text x=\"\(SVGText.number(centre))\" y=\"\(SVGText.number(centre - 6))\" text-anchor=\"middle\" class=\"hole-number\">\(diversity.distinctVerbs)</text>"
        svg += "<text x=\"\(SVGText.number(centre))\" y=\"\(SVGText.number(centre + 14))\" text-anchor=\"middle\" class=\"hole-label\">verbs</text>"
        return svg + "</svg>"
    }

    /// The point at `radius` and `angle` (radians clockwise from twelve o'clock).
    static func point(_ centre: Double, _ radius: Double, _ angle: Double) -> String {
        "\(SVGText.number(centre + radius * sin(angle))) \(SVGText.number(centre - radius * cos(angle)))"
    }

    /// The path of a ring sector between two radii and two angles.
    static func sector(_ centre: Double, _ inner: Double, _ outer: Double, _ from: Double, _ to: Double) -> String {
        let end = min(to, from + 2 * Double.pi - 1e-4)  // a full ring cannot be one arc
        let large = end - from > Double.pi ? 1 : 0
        let r0 = SVGText.number(inner)
        let r1 = SVGText.number(outer)
        return "M\(point(centre, outer, from)) A\(r1) \(r1) 0 \(large) 1 \(point(centre, outer, end)) "
            + "L\(point(centre, inner, end)) A\(r0) \(r0) 0 \(large) 0 \(point(centre, inner, from))Z"
    }

    /// A label written along the radius in the middle of a sector, turned so it never reads upside down; none
    /// when the sector is too narrow for a line of text.
    static func label(
        _ text: String, centre: Double, inner: Double, outer: Double, from: Double, to: Double, limit: Int,
        className: String
    ) -> String {
        let middle = (inner + outer) / 2
        guard (to - from) * middle >= 11 else { return "" }
        let angle = (from + to) / 2
        let degrees = angle * 180 / Double.pi
        let rotation = degrees <= 180 ? degrees - 90 : degrees + 90
        let x = SVGText.number(centre + middle * sin(angle))
        let y = SVGText.number(centre - middle * cos(angle))
        return "<text class=\"\(className)\" x=\"\(x)\" y=\"\(y)\" text-anchor=\"middle\" dominant-baseline=\"central\" "
            + "transform=\"rotate(\(SVGText.number(rotation)) \(x) \(y))\">\(HTMLText.escape(SVGText.shortened(text, limit)))</text>"
    }
}
