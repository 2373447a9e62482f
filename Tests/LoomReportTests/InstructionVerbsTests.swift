import Testing

@testable import LoomReport

@Suite("Instruction verbs and objects")
struct InstructionVerbsTests {
    let verbs = InstructionVerbs()

    @Test(
        "root verb and object of known sentences",
        arguments: [
            ("Describe the image in detail.", "describe", "image"),
            ("Give the bounding box of the diamond as [x1, y1, x2, y2].", "give", "box"),
            ("Output the normalized bounding box of the circle.", "output", "box"),
            ("Describe each of the images in turn.", "describe", "image"),
            ("Locate the star. Reply with its bounding box.", "locate", "star"),
            ("What color is the medium circle?", "be", "color"),
            ("In frame 4, what color is the medium circle?", "be", "color"),
            ("Which color does the triangle have?", "have", "color"),
            ("What surface pattern does the star have?", "have", "pattern"),
            ("How many squares are in the image?", "be", "square"),
            ("Are there 1 more hexagons than diamonds?", "be", "hexagon"),
            ("Is the color of the hexagon blue?", "be", "color"),
            ("Looking at the image, is the green diamond below the green star?", "be", "diamond"),
            ("Does the image contain exactly 0 triangles?", "contain", "triangle"),
            ("Do the images show 3 brown objects in total?", "show", "object"),
            ("Would you call the square large?", "call", "square"),
            ("Is it true that the picture shows 8 objects, no more and no fewer?", "show", "object"),
            ("One of the images contains a gray circle. Which one?", "contain", "circle"),
            ("Which number equals the count of red objects in the picture?", "equal", "count"),
            ("Which image shows the red circle?", "show", "circle"),
            ("How is the brown circle positioned with respect to the pink triangle?", "position", "circle"),
            ("In which region of the picture can the square be found?", "find", "square"),
            ("The frames are shuffled and the yellow square moves steadily up.", "shuffle", "frame"),
            ("Is the woman holding an umbrella?", "hold", "umbrella"),
            ("What is the man carrying on his back?", "carry", nil),
            ("What's written on the sign?", "write", nil),
            ("Can you describe the scene?", "describe", "scene"),
            ("Why might the children be laughing at the clown?", "laugh", nil),
            ("Do the circles outnumber the squares?", "outnumber", "square"),
            ("Please write a short poem about the picture.", "write", "poem"),
            ("Describe what happens in the video.", "describe", nil),
            ("How many people are waiting at the bus stop?", "wait", "person"),
            ("What might be the purpose of this gathering?", "be", "purpose"),
            ("Does image 1 contain exactly 3 objects?", "contain", "object"),
            ("When does the red diamond first become visible?", "become", nil),
            ("Of all the images, which one shows the largest number of objects?", "show", "number"),
            ("Transcribe the text shown on the sign.", "transcribe", "text"),
            ("Imagine the circles disappear.", "imagine", "circle"),
            ("Where is the medium star relative to the circle?", "be", "star"),
            ("Which color does the triangle have? Answer briefly.", "have", "color"),
        ] as [(String, String, String?)])
    func knownSentences(sentence: String, verb: String, object: String?) {
        #expect(verbs.analyse(sentence) == VerbObject(verb: verb, object: object), "\(sentence)")
    }

    @Test("sentences without a verb give nothing; the first sentence with one is used")
    func noVerb() {
        #expect(verbs.analyse("Which one?") == nil)
        #expect(verbs.analyse("") == nil)
        #expect(verbs.analyse("Image 3. Describe the scene.") == VerbObject(verb: "describe", object: "scene"))
    }

    @Test("inflected and irregular forms lemmatize to the base form")
    func lemmas() {
        let lexicon = verbs.lexicon
        #expect(lexicon.verb("carries")?.lemma == "carry")
        #expect(lexicon.verb("matches")?.lemma == "match")
        #expect(lexicon.verb("stopped")?.lemma == "stop")
        #expect(lexicon.verb("running")?.lemma == "run")
        #expect(lexicon.verb("written")?.lemma == "write")
        #expect(lexicon.verb("located")?.lemma == "locate")
        #expect(lexicon.verb("lying")?.lemma == "lie")
        #expect(lexicon.verb("hexagon") == nil)
        #expect(lexicon.singular("boxes") == "box")
        #expect(lexicon.singular("people") == "person")
        #expect(lexicon.singular("glass") == "glass")
        #expect(lexicon.singular("berries") == "berry")
    }
}
