import LoomOCR
import Testing

/// Recognition checked against the ground truth of ten seeded 768×576 scenes with 2 to 4 signs each (24 signs).
///
/// Measured when written: whole-image reading (sparse segmentation, `.sceneSigns` binarization) has a character
/// error rate of 0.047, all of it single-digit signs that tesseract's layout analysis drops as noise; reading each
/// sign's crop as one line has 0. With tesseract's own thresholding the whole-image rate is about 1.
@Suite struct SceneTextValidationTests {
    @Test func wholeImageReadingMatchesTheSigns() throws {
        let recognizer = try TextRecognizer()
        recognizer.binarization = .sceneSigns
        let pairs = try SceneFixtures.wholeImageReadings(recognizer)
        #expect(pairs.count >= 20)
        let rate = CharacterErrorRate.aggregate(pairs)
        #expect(rate < 0.15, "whole-image character error rate \(rate)")
        // Signs of two or more characters are all read.
        let missed = pairs.filter { $0.reference.count > 1 && $0.recognized != $0.reference }
        #expect(missed.count <= 2, "\(missed)")
    }

    @Test func signCropsReadAsSingleLines() throws {
        let recognizer = try TextRecognizer()
        recognizer.binarization = .sceneSigns
        recognizer.segmentation = .singleLine
        let pairs = try SceneFixtures.cropReadings(recognizer, margin: 6)
        let rate = CharacterErrorRate.aggregate(pairs)
        #expect(rate < 0.05, "sign-crop character error rate \(rate)")
    }
}
