@testable import LoomReviewServer
import Testing

@Suite("Pieces rendered once, put into fragments")
struct FragmentSlotsTests {
    @Test func markersAreReplacedInOrderAndMissingOnesSkipped() {
        let html = "<select><!--loom:a--></select><ul><!--loom:b--></ul>"
        #expect(
            FragmentSlots.fill(html, [("<!--loom:a-->", "<option>x</option>"), ("<!--loom:b-->", "<li>y</li>")])
                == "<select><option>x</option></select><ul><li>y</li></ul>")
        #expect(FragmentSlots.fill(html, [("<!--loom:c-->", "z"), ("<!--loom:b-->", "")]) == "<select><!--loom:a--></select><ul></ul>")
        #expect(FragmentSlots.fill("", [("<!--loom:a-->", "x")]) == "")
    }

    @Test func escapedRecordTextCannotPassForAMarker() {
        // What a record says is escaped before the fragment is filled: its "<" can never start a marker.
        let text = HTMLEscaping.escape("say <!--loom:a--> now")
        let html = "<p>\(text)</p><ul><!--loom:a--></ul>"
        #expect(FragmentSlots.fill(html, [("<!--loom:a-->", "<li>y</li>")]) == "<p>say &lt;!--loom:a--&gt; now</p><ul><li>y</li></ul>")
    }

    @Test func escapingCopiesRunsBetweenSpecialCharacters() {
        #expect(HTMLEscaping.escape(#"{"a":"<b>","c":'d&e'}"#) == "{&quot;a&quot;:&quot;&lt;b&gt;&quot;,&quot;c&quot;:&#39;d&amp;e&#39;}")
        #expect(HTMLEscaping.escape("plain ünïcode") == "plain ünïcode")
        #expect(HTMLEscaping.escape("&") == "&amp;")
        #expect(HTMLEscaping.escape("") == "")
    }

    @Test func piecesAreRenderedOncePerDistinctList() {
        let pieces = RenderedPieces()
        var renders = 0
        let render: ([String]) -> String = { lines in
            renders += 1
            return lines.map { "<li>\($0)</li>" }.joined()
        }
        #expect(pieces.rendered(key: "checklist", for: ["a", "b"], render: render) == "<li>a</li><li>b</li>")
        #expect(pieces.rendered(key: "checklist", for: ["a", "b"], render: render) == "<li>a</li><li>b</li>")
        #expect(pieces.rendered(key: "checklist", for: ["a", "c"], render: render) == "<li>a</li><li>c</li>")
        #expect(renders == 2)
    }
}
