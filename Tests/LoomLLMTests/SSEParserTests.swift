import LoomLLM
import Testing

@Suite struct SSEParserTests {
    private func events(_ chunks: [String]) -> [SSEEvent] {
        var parser = SSEParser()
        return chunks.flatMap { parser.feed(Array($0.utf8)) }
    }

    @Test func linesEndInLFCROrCRLF() {
        let expected = [SSEEvent(data: "one"), SSEEvent(data: "two")]
        #expect(events(["data: one\n\ndata: two\n\n"]) == expected)
        #expect(events(["data: one\r\rdata: two\r\r"]) == expected)
        #expect(events(["data: one\r\n\r\ndata: two\r\n\r\n"]) == expected)
        #expect(events(["data: one\r\n\ndata: two\r\r\n"]) == expected)
    }

    @Test func aCRLFSplitAcrossChunksIsOneLineEnd() {
        // Were the LF taken as a second line end, "one" would be dispatched after its first line already.
        let got = events(["data: one\r", "\ndata: more\r", "\n\r", "\n"])
        #expect(got == [SSEEvent(data: "one\nmore")])
    }

    @Test func commentsAreSkippedAndDataLinesJoin() {
        let got = events([": keep-alive\n", "data: a\ndata:b\ndata:  c\n: note\n\n"])
        #expect(got == [SSEEvent(data: "a\nb\n c")])
    }

    @Test func eventFieldIdAndFieldsWithoutColon() {
        let got = events(["event: error\nid: 7\ndata: {\"x\":1}\n\n", "data\n\n", "event: ping\n\n"])
        #expect(got == [SSEEvent(event: "error", data: #"{"x":1}"#, id: "7"), SSEEvent(data: "", id: "7")])
    }

    @Test func byteAtATimeGivesTheSameEvents() {
        let text = ": c\r\ndata: {\"choices\":[]}\r\n\r\nevent: x\rdata: é ü\r\rdata: [DONE]\n\n"
        let whole = events([text])
        var parser = SSEParser()
        var single: [SSEEvent] = []
        for byte in Array(text.utf8) { single += parser.feed([byte]) }
        #expect(whole.count == 3)
        #expect(single == whole)
        #expect(whole.last?.data == "[DONE]")
        #expect(whole[1] == SSEEvent(event: "x", data: "é ü"))
    }

    @Test func anUnterminatedEventIsNotDispatched() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: done\n\ndata: partial\n".utf8)) == [SSEEvent(data: "done")])
        #expect(parser.finish() == true)
        var clean = SSEParser()
        _ = clean.feed(Array("data: done\n\n".utf8))
        #expect(clean.finish() == false)
    }

    @Test func aByteOrderMarkAtTheStartIsIgnored() {
        #expect(events(["\u{FEFF}data: x\n\n"]) == [SSEEvent(data: "x")])
    }
}
