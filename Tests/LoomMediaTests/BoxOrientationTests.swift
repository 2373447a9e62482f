import LoomCore
import Testing

@testable import LoomMedia

@Suite("Boxes turned with an image's EXIF orientation")
struct BoxOrientationTests {
    /// A stored 7×4 image, black but for a red 2×1 block at (1, 0): shown with each orientation, the block must
    /// lie exactly in the turned box.
    @Test("a box follows its pixels under every orientation", arguments: 1...8)
    func boxFollowsPixels(orientation: Int) {
        let (width, height) = (7, 4)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for x in 1...2 { pixels[(0 * width + x) * 3] = 255 }
        let shown = RGBImage(width: width, height: height, pixels: pixels).oriented(orientation)
        var red: [(Int, Int)] = []
        for y in 0..<shown.height {
            for x in 0..<shown.width where shown.pixels[(y * shown.width + x) * 3] == 255 { red.append((x, y)) }
        }
        let box = Box(x: 1, y: 0, width: 2, height: 1).displayed(orientation: orientation, storedWidth: 7, storedHeight: 4)
        #expect(Double(red.map(\.0).min()!) == box.x && Double(red.map(\.1).min()!) == box.y)
        #expect(Double(red.map(\.0).max()! + 1) == box.x + box.width && Double(red.map(\.1).max()! + 1) == box.y + box.height)
    }
}
