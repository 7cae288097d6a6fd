@testable import CordonGateway
import Testing

@Suite("Server-sent event parsing: any split, any line ending")
struct ServerSentEventParserTests {
    @Test("events split at every byte parse the same, with CRLF, CR and LF endings")
    func anySplit() throws {
        let stream = Array("event: a\r\ndata: one\r\ndata: two\r\n\r\n: comment\ndata:three\n\nevent: b\rdata: 4\r\r".utf8)
        var whole = ServerSentEventParser()
        let expected = try whole.feed(stream)
        #expect(expected.count == 3)
        #expect(expected[0].name == "a" && expected[0].data == Array("one\ntwo".utf8))
        #expect(expected[1].data == Array("three".utf8) && expected[1].otherLines == [Array(": comment".utf8)])
        #expect(expected[2].name == "b" && expected[2].data == Array("4".utf8))
        var split = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in stream { events += try split.feed([byte]) }
        #expect(events == expected)
    }

    @Test("an event without its blank line is completed at the end of the stream")
    func unterminatedEvent() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("data: [DONE]".utf8)).isEmpty)
        #expect(try parser.finish()?.data == Array("[DONE]".utf8))
    }
}
