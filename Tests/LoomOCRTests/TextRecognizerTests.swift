import LoomCore
import LoomMedia
import LoomOCR
import Testing

@Suite struct TextRecognizerTests {
    @Test func blankImageHasNoLines() throws {
        let recognizer = try TextRecognizer()
        let white = PixelBuffer(width: 320, height: 200, red: 255, green: 255, blue: 255)
        #expect(try recognizer.lines(in: white).isEmpty)
        recognizer.binarization = .sceneSigns
        recognizer.segmentation = .auto
        #expect(try recognizer.lines(in: white).isEmpty)
        // The same engine keeps working after an empty page.
        let gray = [UInt8](repeating: 255, count: 64 * 48)
        let lines = try gray.withUnsafeBytes { bytes in
            try recognizer.lines(pixels: bytes, width: 64, height: 48, channels: 1, bytesPerRow: 64)
        }
        #expect(lines.isEmpty)
    }

    @Test func missingModelGivesAPlainReason() {
        #expect {
            _ = try TextRecognizer(language: "zzz")
        } throws: { error in
            (error as? OCRError)?.reason == "tesseract has no 'zzz' model installed; apt install tesseract-ocr-zzz"
        }
        #expect {
            _ = try TextRecognizer(language: "eng", dataPath: "/nonexistent/tessdata")
        } throws: { error in
            (error as? OCRError)?.reason
                == "tesseract could not load the 'eng' model from /nonexistent/tessdata; is eng.traineddata there?"
        }
    }

    @Test func rejectsSizesThatDoNotDescribeTheBuffer() throws {
        let recognizer = try TextRecognizer()
        let bytes = [UInt8](repeating: 255, count: 100)
        let layouts = [(10, 5, 2, 20), (10, 5, 3, 20), (10, 20, 1, 10), (0, 5, 1, 10)]
        for (width, height, channels, bytesPerRow) in layouts {
            #expect(throws: OCRError.self) {
                _ = try bytes.withUnsafeBytes { raw in
                    try recognizer.lines(
                        pixels: raw, width: width, height: height, channels: channels, bytesPerRow: bytesPerRow)
                }
            }
        }
    }

    @Test func boxesLieInsideTheImageAndOnTheSigns() throws {
        let recognizer = try TextRecognizer()
        recognizer.binarization = .sceneSigns
        var found = 0
        for (scene, image) in SceneFixtures.drawn {
            for line in try recognizer.lines(in: image) {
                let box = line.box
                #expect(box.x >= 0 && box.y >= 0 && box.width > 0 && box.height > 0)
                #expect(box.maxX <= Double(image.width) && box.maxY <= Double(image.height))
                #expect((0...100).contains(line.confidence))
                #expect(line.text == line.text.trimmingCharacters(in: .whitespacesAndNewlines) && !line.text.isEmpty)
                // Every line read lies on a sign: within 4 pixels of the sign's box, and the sign says that text.
                let sign = scene.labels.first { label in
                    box.x >= label.box.x - 4 && box.y >= label.box.y - 4 && box.maxX <= label.box.maxX + 4
                        && box.maxY <= label.box.maxY + 4
                }
                #expect(sign != nil, "\"\(line.text)\" at \(box) lies on no sign")
                if let sign {
                    #expect(line.text == sign.text)
                    // The text fills most of its sign's height (capitals are 0.73 / 1.57 of it).
                    #expect(box.height >= 0.35 * sign.box.height)
                }
                found += 1
            }
        }
        #expect(found >= 15)
    }

    @Test func rawPixelLayoutsReadAlike() throws {
        let recognizer = try TextRecognizer()
        recognizer.binarization = .sceneSigns
        let (scene, image) = SceneFixtures.drawn[0]
        let expected = try recognizer.lines(in: image)
        #expect(expected.map(\.text).sorted() == scene.labels.map(\.text).filter { $0.count > 1 }.sorted())
        // The same picture as packed RGB and as gray, taken from the (opaque) BGRA buffer.
        var rgb: [UInt8] = []
        var gray: [UInt8] = []
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = image.rgba(x: x, y: y)
                rgb += [pixel.red, pixel.green, pixel.blue]
                let sum: Int = 77 * Int(pixel.red) + 150 * Int(pixel.green) + 29 * Int(pixel.blue)
                gray.append(UInt8((sum + 128) >> 8))
            }
        }
        let fromRGB = try rgb.withUnsafeBytes {
            try recognizer.lines(
                pixels: $0, width: image.width, height: image.height, channels: 3, bytesPerRow: 3 * image.width)
        }
        let fromGray = try gray.withUnsafeBytes {
            try recognizer.lines(pixels: $0, width: image.width, height: image.height, channels: 1, bytesPerRow: image.width)
        }
        #expect(fromRGB == expected)
        #expect(fromGray == expected)
    }
}
