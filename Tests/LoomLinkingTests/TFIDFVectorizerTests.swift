import Testing
@testable import LoomLinking

@Suite struct TFIDFVectorizerTests {
    @Test func termsFollowScikitLearnsDefaultPattern() {
        // What scikit-learn 1.9's default analyzer gives for the same text.
        #expect(TermTokenizer.terms(in: "Café naïve Über_x a 12 b3 日本語 x-ray") == ["café", "naïve", "über_x", "12", "b3", "日本", "本語", "ray"])
        #expect(TermTokenizer.terms(in: "<image>\nHow MANY cubes?") == ["image", "how", "many", "cubes"])
        #expect(TermTokenizer.terms(in: "").isEmpty)
    }

    @Test func weightsAndCosinesMatchScikitLearn() {
        let texts = ["How many red cubes are there?", "What colour is the cube on the left?", "How many red spheres?", "Café naïve Über_x a 12 b3"]
        var vectorizer = TFIDFVectorizer()
        let vectors = vectorizer.fitTransform(texts)
        // idf = ln((1 + 4) / (1 + df)) + 1, as TfidfVectorizer(smooth_idf=True) computes it.
        #expect(abs(vectorizer.idf[Int(vectorizer.vocabulary["how"]!)] - 1.510826) < 1e-6)
        #expect(abs(vectorizer.idf[Int(vectorizer.vocabulary["cube"]!)] - 1.916291) < 1e-6)
        for index in 0..<vectors.count { #expect(abs(vectors.dot(index, vectors, index) - 1) < 1e-12) }
        // X @ X.T from scikit-learn on the same texts.
        #expect(abs(vectors.dot(0, vectors, 2) - 0.499517) < 1e-6)
        #expect(vectors.dot(0, vectors, 1) == 0)
        #expect(vectors.dot(3, vectors, 0) == 0)
    }

    @Test func transformIgnoresUnknownTerms() {
        var vectorizer = TFIDFVectorizer()
        _ = vectorizer.fitTransform(["red cube", "blue sphere"])
        let vectors = vectorizer.transform(["red pyramid", "nothing known"])
        #expect(vectors.range(0).count == 1)
        #expect(vectors.range(1).isEmpty)
    }
}

@Suite("Terms of text without spaces")
struct SpacelessTermTests {
    @Test("Chinese and Japanese runs become overlapping character pairs; other scripts keep scikit-learn's terms")
    func characterPairs() {
        #expect(TermTokenizer.terms(in: "这张图片中有几只猫？") == ["这张", "张图", "图片", "片中", "中有", "有几", "几只", "只猫"])
        #expect(TermTokenizer.terms(in: "赤い車は3台") == ["赤い", "い車", "車は"])
        #expect(TermTokenizer.terms(in: "How many cats? Wie viele Katzen?") == ["how", "many", "cats", "wie", "viele", "katzen"])
        // Two questions that share most of their words now share most of their terms.
        let first = Set(TermTokenizer.terms(in: "图片中有几只猫？")), second = Set(TermTokenizer.terms(in: "照片中有几只猫？"))
        #expect(first.intersection(second).count >= 4)
    }
}
