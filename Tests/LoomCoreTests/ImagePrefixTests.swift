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

@Suite("Media labels in the languages translations write")
struct MediaLabelTests {
    @Test("labels as Loom and translations write them", arguments: [
        "Image 2:", "Frame 10:", "Imagen 2:", "Image 2 :", "Image 2\u{00A0}:", "图像2：", "第2张图片：", "画像 2:",
        "이미지 2:", "الصورة 2:", "Bild 12:", "छवि २:", "Image number 3:",
        // Video frames with their times, as Loom and translations write them.
        "Frame 3 (12.5 s):", "Image 3 (12,5 s) :", "帧3（12.5秒）：", "Frame 12 (0:12):", "Fotograma 3 (12.5 s):",
    ])
    func labels(_ label: String) {
        #expect(MediaLabel.matches(label))
    }

    @Test("questions, numbers alone and sentences are not labels", arguments: [
        "", ":", "2:", "Image:", "Image 2", "Images 1 and 2:", "Count the 3 cubes in this image:", "Image 2: red",
        "Image 2.5:", "Step (2):", "Frame (12.5 s):", "Frame 3 (see below):", "Frame 3 (12.5 s) (4 s):", "Frame 3 12.5 s):",
    ])
    func notLabels(_ text: String) {
        #expect(!MediaLabel.matches(text))
    }

    @Test("a translated record's opening is dropped whole, labels and all")
    func translatedOpenings() {
        #expect(ImagePrefix.question("图像1：<image>\n图像2：<image>\n这两张图片有什么不同？") == "这两张图片有什么不同？")
        #expect(ImagePrefix.question("Image 1 : <image>\nImage 2 : <image>\nQuelle image montre un cône ?") == "Quelle image montre un cône ?")
        #expect(ImagePrefix.question("画像1：<image>\n画像2：<image>\n何が違いますか？") == "何が違いますか？")
    }
}

@Suite("Frame times kept for formats that carry images apart")
struct FrameTimesKeptTests {
    @Test("a video's frame labels with their times stay, without placeholders; other openings go as before")
    func frameTimesStay() {
        let frames = "Frame 1 (0.0 s): <image>\nFrame 2 (12.5 s): <image>\nWhat happens 12 seconds in?"
        #expect(ImagePrefix.questionKeepingFrameTimes(frames) == "Frame 1 (0.0 s):\nFrame 2 (12.5 s):\nWhat happens 12 seconds in?")
        #expect(ImagePrefix.questionKeepingFrameTimes("帧1（0.0秒）：<image>\n帧2（2.5秒）：<image>\n发生了什么？") == "帧1（0.0秒）：\n帧2（2.5秒）：\n发生了什么？")
        #expect(ImagePrefix.questionKeepingFrameTimes(Record.mediaPrefix(count: 4, kind: .sequence) + "What moves?") == "What moves?")
        #expect(ImagePrefix.questionKeepingFrameTimes("<image>\nHow many cubes?") == "How many cubes?")
        #expect(ImagePrefix.questionKeepingFrameTimes("Compare <image> with <image>. Which is larger?") == "Compare with. Which is larger?")
        #expect(MediaLabel.givesTime("Frame 3 (12.5 s):") && !MediaLabel.givesTime("Frame 3:") && !MediaLabel.givesTime("Frame (12.5 s):"))
    }
}
