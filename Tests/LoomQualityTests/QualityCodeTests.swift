import Testing
@testable import LoomQuality

@Suite struct QualityCodeTests {
    @Test func qualityCodesAreRecognizedAndOthersAreNot() {
        #expect(QualityCode.isQualityCode(QualityCode.nearDuplicate))
        #expect(QualityCode.isQualityCode(QualityCode.unsupported))
        #expect(!QualityCode.isQualityCode("check.disagreement"))
        #expect(!QualityCode.isQualityCode("judge_unsupported"))
    }
}
