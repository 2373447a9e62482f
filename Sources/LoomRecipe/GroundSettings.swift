/// Settings of the stage that asks questions grounded in the annotations of the user's images (objects with
/// categories and boxes from COCO files or manifests).
public struct GroundSettings: Codable, Sendable, Hashable {
    /// One single-image sample per annotated image.
    public var singles: Bool
    /// Samples of two annotated images, chosen to share a category when they can.
    public var pairs: Int
    /// Samples of several annotated images.
    public var sets: Int
    /// How many images a set has.
    public var setImages: ClosedRange<Int>

    public init(singles: Bool = true, pairs: Int = 0, sets: Int = 0, setImages: ClosedRange<Int> = 3...4) {
        self.singles = singles
        self.pairs = pairs
        self.sets = sets
        self.setImages = setImages
    }
}
