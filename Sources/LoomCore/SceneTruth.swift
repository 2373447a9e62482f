/// An axis-aligned box in pixels, origin at the top left.
public struct Box: Codable, Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var centerX: Double { x + width / 2 }
    public var centerY: Double { y + height / 2 }

    /// True when the two boxes share any area.
    public func intersects(_ other: Box) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    /// The box grown by `margin` on every side.
    public func inset(by margin: Double) -> Box {
        Box(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
    }
}

/// One drawn object with everything a question may ask about it.
public struct SceneObject: Codable, Sendable, Hashable {
    /// Stable within a sample: the same object keeps its id across the frames of a sequence and the two images of a pair.
    public var id: Int
    public var shape: Shape
    public var color: ObjectColor
    public var size: SizeClass
    public var pattern: Pattern
    /// Centre and radius of the circumscribed circle, in pixels.
    public var centerX: Double
    public var centerY: Double
    public var radius: Double
    /// Rotation in radians.
    public var rotation: Double
    /// Drawing order: higher values are drawn later, on top.
    public var z: Int
    /// The tight bounding box of the drawn outline.
    public var box: Box
    /// The fraction of the object's area not covered by objects drawn on top of it.
    public var visibleFraction: Double

    public init(
        id: Int, shape: Shape, color: ObjectColor, size: SizeClass, pattern: Pattern, centerX: Double,
        centerY: Double, radius: Double, rotation: Double, z: Int, box: Box, visibleFraction: Double
    ) {
        self.id = id
        self.shape = shape
        self.color = color
        self.size = size
        self.pattern = pattern
        self.centerX = centerX
        self.centerY = centerY
        self.radius = radius
        self.rotation = rotation
        self.z = z
        self.box = box
        self.visibleFraction = visibleFraction
    }

    /// The value of one attribute, by its canonical name.
    public func value(of attribute: Attribute) -> String {
        switch attribute {
        case .shape: shape.rawValue
        case .color: color.rawValue
        case .size: size.rawValue
        case .pattern: pattern.rawValue
        }
    }
}

/// A sign with rendered text: ground truth for OCR questions.
public struct TextLabel: Codable, Sendable, Hashable {
    public var id: Int
    public var text: String
    /// The sign's fill colour name (e.g. "white", "yellow"), used to refer to it.
    public var signColor: String
    public var box: Box

    public init(id: Int, text: String, signColor: String, box: Box) {
        self.id = id
        self.text = text
        self.signColor = signColor
        self.box = box
    }

    /// The number the sign shows, when its whole text is a number (optionally with a currency sign).
    public var numericValue: Int? {
        Int(text.trimmingPrefix("$"))
    }
}

/// The exact ground truth of one rendered image.
public struct SceneTruth: Codable, Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var background: BackgroundStyle
    /// A readable name of the background ("a light grid background").
    public var backgroundName: String
    /// Objects in drawing order.
    public var objects: [SceneObject]
    public var labels: [TextLabel]

    public init(
        width: Int, height: Int, background: BackgroundStyle, backgroundName: String, objects: [SceneObject],
        labels: [TextLabel]
    ) {
        self.width = width
        self.height = height
        self.background = background
        self.backgroundName = backgroundName
        self.objects = objects
        self.labels = labels
    }
}
