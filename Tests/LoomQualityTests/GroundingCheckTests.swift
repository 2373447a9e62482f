import LoomCore
import Testing
@testable import LoomQuality

@Suite struct GroundingCheckTests {
    let check = GroundingCheck(threshold: 0.5)
    let evidence = GroundingEvidence(
        texts: ["A brown dog sleeps on a green sofa next to a window. A sign reads CAFE 24."],
        objectsPerImage: [["dog", "sofa", "cup", "cup", "cup"]])

    @Test func supportedAnswersPass() {
        let finding = check.examine(answer: "The dog is sleeping on the green sofa by the window.", question: "What is the dog doing?", evidence: evidence)
        #expect(finding.score >= 0.99)
        #expect(check.flags(for: finding, turn: 1).isEmpty)
    }

    @Test func inventedContentIsFlaggedWithTheWordsNamed() {
        let finding = check.examine(
            answer: "A golden retriever chases a frisbee across the beach while children laugh.", question: "What is happening?", evidence: evidence)
        #expect(finding.score < 0.5)
        let flags = check.flags(for: finding, turn: 1)
        #expect(flags.map(\.code) == [QualityCode.unsupported])
        #expect(flags[0].reason.contains("frisbee"))
    }

    @Test func unnamedEntitiesAreFlaggedEvenInAShortAnswer() {
        let finding = check.examine(answer: "The dog belongs to Obama.", question: "Whose dog is it?", evidence: evidence)
        #expect(finding.unsupportedEntities == ["Obama"])
        #expect(check.flags(for: finding, turn: 1).map(\.code) == [QualityCode.unsupported])
    }

    @Test func numbersMustBeDerivable() {
        let counted = check.examine(answer: "There are three cups.", question: "How many cups are there?", evidence: evidence)
        #expect(counted.underivableNumbers.isEmpty)
        let summed = check.examine(answer: "There are 4 cups and dogs in total.", question: "How many?", evidence: evidence)
        #expect(summed.underivableNumbers.isEmpty)
        let invented = check.examine(answer: "There are 57 cups.", question: "How many cups are there?", evidence: evidence)
        #expect(invented.underivableNumbers == [57])
        #expect(check.flags(for: invented, turn: 1).map(\.code) == [QualityCode.underivableNumber])
        let reference = check.examine(answer: "Image 9 shows the dog.", question: "Which image?", evidence: evidence)
        #expect(reference.underivableNumbers.isEmpty)
    }

    @Test func sceneTruthIsEvidence() {
        let scene = SceneTruth(
            width: 100, height: 100, background: .plain, backgroundName: "plain pale blue", objects: [], labels: [])
        let truth = GroundingEvidence(truth: .single(scene), texts: [])
        #expect(truth.stems.contains("pale"))
    }
}
