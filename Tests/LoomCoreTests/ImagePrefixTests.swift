import Testing

@testable import LoomCore

@Suite("Image openings of a first turn")
struct ImagePrefixTests {
    @Test("Loom's own openings are dropped whole, labels included")
    func ownOpenings() {
        #expect(ImagePrefix.question("<image>\nHow many cubes?") == "How many cubes?")
        #expect(ImagePrefix.question(Record.mediaPrefix(count: 3, kind: .set) + "Which image shows a cone?") == "Which image shows a cone?")
        #expect(ImagePrefix.question(Record.mediaPrefix(count: 4, kind: .sequence) + "What moves?") == "What moves?")
        #expect(ImagePrefix.question("No image here.") == "No image here.")
    }

    @Test("placeholders inside a sentence are taken out one by one and no word is lost")
    func inlinePlaceholders() {
        #expect(ImagePrefix.question("Compare <image> with <image>. Which is larger?") == "Compare with. Which is larger?")
        #expect(ImagePrefix.question("Look at <image>\nWhat is it?") == "Look at\nWhat is it?")
    }
}
