import Testing

@testable import LoomGenerate

@Suite("Template filling")
struct TemplateTextTests {
    @Test("placeholders take their bindings; overrides win; a capitalised name capitalises the value")
    func filling() throws {
        let bindings: TemplateBindings = ["object": "red star", "where": "top left"]
        #expect(try TemplateText.fill("Where is the {object}?", bindings) == "Where is the red star?")
        #expect(try TemplateText.fill("{Object} at the {where}.", bindings) == "Red star at the top left.")
        #expect(try TemplateText.fill("the {object}", bindings, overrides: ["object": "blue circle"]) == "the blue circle")
        #expect(try TemplateText.fill("no slots here", bindings) == "no slots here")
        #expect(try TemplateText.fill("", bindings) == "")
        // Text around and in the values is copied byte for byte, whatever its script.
        #expect(try TemplateText.fill("日本 {object} é", ["object": "étoile ✓"]) == "日本 étoile ✓ é")
        // An opening brace with no closing one is text.
        #expect(try TemplateText.fill("{object} and {unclosed", bindings) == "red star and {unclosed")
    }

    @Test("a placeholder with no binding is an error that names it and its template")
    func missingBinding() {
        #expect {
            try TemplateText.fill("How many {objects}?", ["object": "star"])
        } throws: { error in
            "\(error)".contains("{objects}") && "\(error)".contains("How many {objects}?")
        }
    }

    @Test("bindings: the last value set wins, nil removes, merging lets the other side win")
    func bindings() {
        var bindings: TemplateBindings = ["a": "1", "b": "2"]
        bindings["a"] = "3"
        #expect(bindings["a"] == "3" && bindings["b"] == "2" && bindings["c"] == nil)
        bindings["b"] = nil
        #expect(bindings["b"] == nil)
        let merged = bindings.merging(["a": "4", "c": "5"])
        #expect(merged["a"] == "4" && merged["c"] == "5")
        #expect(bindings["a"] == "3")  // merging leaves the original alone
    }
}
